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

    init(path: String) throws(ScanError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ScanError(errno: errno, path: path, operation: "open") }
        self.descriptor = fd
        self.path = path
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
