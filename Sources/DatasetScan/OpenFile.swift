#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open read-only file descriptor, closed when the value goes away. Thin POSIX wrapper
/// that turns errno into ``ScanError``; it holds no buffers.
struct OpenFile: ~Copyable {
    let descriptor: Int32
    let path: String

    /// Opens `path` for reading. With `followSymlinks` false, no component of the path may be a
    /// symbolic link when it is opened (each directory is opened with `O_NOFOLLOW` from the one
    /// before), so a path checked earlier cannot be redirected by a link swapped in meanwhile.
    ///
    /// Only a regular file is opened: a FIFO, socket or device is refused with
    /// ``ScanError/Kind/notARegularFile`` naming its type, before any open that could block
    /// (the type is checked with `stat`/`fstatat` first, the open is `O_NONBLOCK` and checked
    /// again with `fstat`, so a FIFO swapped in between is refused too, not waited on).
    init(path: String, followSymlinks: Bool = true) throws(ScanError) {
        let fd: Int32
        if followSymlinks {
            var st = stat()
            if stat(path, &st) == 0, let type = Self.irregularType(st) {
                throw ScanError(kind: .notARegularFile, path: path, message: "is \(type), not a regular file")
            }
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        } else {
            var refusal: String?
            fd = Self.openWithoutLinks(path, flags: O_NONBLOCK, refusing: &refusal)
            if let refusal { throw ScanError(kind: .notARegularFile, path: path, message: "is \(refusal), not a regular file") }
        }
        guard fd >= 0 else { throw ScanError(errno: errno, path: path, operation: "open") }
        var st = stat()
        if fstat(fd, &st) == 0, let type = Self.irregularType(st) {
            close(fd)
            throw ScanError(kind: .notARegularFile, path: path, message: "is \(type), not a regular file")
        }
        self.descriptor = fd
        self.path = path
    }

    /// What a non-regular, non-directory file is ("a FIFO (named pipe)", "a socket", "a
    /// character device", "a block device"); nil for a regular file or a directory.
    static func irregularType(_ st: stat) -> String? {
        switch st.st_mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: nil
        }
    }

    /// Walks an absolute `path` from `/` with `openat(…, O_NOFOLLOW)`; -1 with errno set
    /// (`ELOOP` for a symbolic link) on failure. A relative path is refused with `EINVAL`.
    static func openWithoutLinks(_ path: String, flags: Int32) -> Int32 {
        var refusal: String?
        return openWithoutLinks(path, flags: flags, refusing: &refusal, checkType: false)
    }

    /// ``openWithoutLinks(_:flags:)`` that, with `checkType`, looks at the last component with
    /// `fstatat` before opening it: a FIFO, socket or device is not opened; -1 with its type in
    /// `refusal`.
    static func openWithoutLinks(_ path: String, flags: Int32, refusing refusal: inout String?, checkType: Bool = true) -> Int32 {
        guard path.hasPrefix("/") else {
            errno = EINVAL
            return -1
        }
        let components = path.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else {
            errno = EINVAL
            return -1
        }
        var directory = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return -1 }
        for (index, component) in components.enumerated() {
            let last = index == components.count - 1
            let mode = last ? O_RDONLY | O_CLOEXEC | O_NOFOLLOW | flags : O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECTORY
            if last, checkType {
                var st = stat()
                if fstatat(directory, String(component), &st, AT_SYMLINK_NOFOLLOW) == 0, let type = irregularType(st) {
                    close(directory)
                    refusal = type
                    return -1
                }
            }
            let next = openat(directory, String(component), mode)
            var code = errno
            if next < 0, code == ENOTDIR, Self.isSymbolicLink(String(component), in: directory) {
                code = ELOOP  // O_DIRECTORY reports a link to a directory as "not a directory"
            }
            close(directory)
            guard next >= 0 else {
                errno = code
                return -1
            }
            directory = next
        }
        return directory
    }

    private static func isSymbolicLink(_ name: String, in directory: Int32) -> Bool {
        var st = stat()
        return fstatat(directory, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_mode & S_IFMT == S_IFLNK
    }

    deinit { close(descriptor) }

    struct Status {
        var isRegularFile: Bool
        var isDirectory: Bool
        var size: Int
        var identity: FileIdentity
    }

    func status() throws(ScanError) -> Status {
        var st = stat()
        guard fstat(descriptor, &st) == 0 else { throw ScanError(errno: errno, path: path, operation: "fstat") }
        return Self.status(st)
    }

    static func status(_ st: stat) -> Status {
        let type = st.st_mode & S_IFMT
        #if canImport(Darwin)
        let mtime = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #else
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #endif
        return Status(
            isRegularFile: type == S_IFREG, isDirectory: type == S_IFDIR, size: Int(st.st_size),
            identity: FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), modificationTime: mtime))
    }

    /// Hints sequential access to the kernel's read-ahead (a no-op where unsupported).
    func adviseSequential() {
        #if os(Linux)
        _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns 0 at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(ScanError) -> Int {
        while true {
            let n = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ScanError(errno: errno, path: path, operation: "read")
        }
    }

    /// CRC-32C of the bytes in `range`, read with `scratch` (which must hold at least
    /// `range.count` bytes). Returns nil when the file holds fewer bytes there.
    func checksum(of range: Range<Int>, scratch: UnsafeMutableRawBufferPointer) throws(ScanError) -> UInt32? {
        var filled = 0
        while filled < range.count {
            let target = UnsafeMutableRawBufferPointer(rebasing: scratch[filled..<range.count])
            let n = try read(into: target, at: range.lowerBound + filled)
            if n == 0 { return nil }
            filled += n
        }
        return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: scratch[0..<range.count]))
    }
}
