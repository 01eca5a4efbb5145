import CFileSync
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking POSIX file calls for downloads. Every function here blocks: call them only on a
/// `NIOThreadPool` thread, never on the cooperative pool or inside an actor.
enum FileOps {
    static func error(_ what: String, _ path: String, _ code: Int32 = errno) -> RemoteError {
        if code == ENOSPC || code == EDQUOT {
            return RemoteError(.insufficientSpace, "\(path): no space left on the cache file system while \(what)")
        }
        return RemoteError(.fileSystem, "\(path): \(what) failed: \(String(cString: strerror(code)))")
    }

    /// Opens `path` for appending (created 0600), truncated first when `truncate`.
    static func openForAppend(_ path: String, truncate: Bool) throws(RemoteError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : O_APPEND)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw error("opening", path) }
        return fd
    }

    static func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RemoteError) {
        let failure: RemoteError? = bytes.withUnsafeBytes { buffer in
            do throws(RemoteError) { try write(fd, buffer, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(RemoteError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw error("writing", path)
            }
            done += n
        }
    }

    /// `path` opened again for O_DIRECT writes (see ``write(_:_:at:path:)``), nil where the file
    /// system refuses O_DIRECT (tmpfs, some FUSE and network file systems).
    static func openDirect(_ path: String) -> Int32? {
        let fd = edgeai_open_direct(path)
        return fd >= 0 ? fd : nil
    }

    /// Writes all of `bytes` at `offset`. Through an O_DIRECT descriptor, address, length and
    /// offset must be block-aligned; the file system's refusal surfaces as EINVAL, returned as
    /// `false` so the caller can write the same bytes through the page cache instead.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(RemoteError) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && done == 0 { return false }
                throw error("writing", path)
            }
            done += n
        }
        return true
    }

    /// Starts the device write of `length` bytes at `offset` without waiting (Linux
    /// `sync_file_range`), so the final fsync finds little left to do. Not a durability step and
    /// best effort: a failure here shows up in that fsync.
    static func startWriteback(_ fd: Int32, offset: Int64, length: Int) {
        _ = edgeai_start_writeback(fd, offset, Int64(length))
    }

    static func close(_ fds: Int32?...) {
        for fd in fds { if let fd { _ = Glibc.close(fd) } }
    }

    static func fsyncAndClose(_ fd: Int32, path: String) throws(RemoteError) {
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// The size of a regular file, nil when absent.
    static func size(_ path: String) -> Int64? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// `rename` then fsync of the directory, so the new name survives a crash.
    static func renameDurably(_ from: String, _ to: String) throws(RemoteError) {
        guard rename(from, to) == 0 else { throw error("renaming to \(to)", from) }
        let dir = directory(of: to)
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Bytes available to this (unprivileged) user on the file system holding `path`.
    static func availableBytes(_ path: String) throws(RemoteError) -> Int64 {
        var vfs = statvfs()
        guard statvfs(path, &vfs) == 0 else { throw error("statvfs", path) }
        return Int64(vfs.f_bavail) * Int64(vfs.f_frsize)
    }

    /// Reads all of `path` in 1 MiB pieces, handing each to `body`.
    static func readChunks(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(RemoteError) -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw error("opening", path) }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw error("reading", path)
            }
            if n == 0 { return total }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += Int64(n)
        }
    }

    static func readSmall(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: limit)
        let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress, limit) }
        guard n >= 0 else { return nil }
        return Array(out.prefix(n))
    }

    /// Writes a small file whole: temp, fsync, rename.
    static func writeSmallAtomically(_ path: String, _ bytes: [UInt8]) throws(RemoteError) {
        let temp = path + ".tmp"
        let fd = try openForAppend(temp, truncate: true)
        do throws(RemoteError) {
            do throws(RemoteError) { try write(fd, bytes, path: temp) } catch {
                close(fd)
                throw error
            }
            try fsyncAndClose(fd, path: temp)
        } catch {
            remove(temp)
            throw error
        }
        try renameDurably(temp, path)
    }
}
