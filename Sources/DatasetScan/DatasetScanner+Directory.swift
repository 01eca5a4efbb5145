#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DatasetScanner {
    /// Counts the regular files under `path`, recursively, without following symlinks (a
    /// symlink is neither counted nor entered; sockets, FIFOs and devices are not counted).
    /// Always a full walk: the result carries no counter state. `sizeBytes` is the total size
    /// of the counted files.
    func scanDirectory(path: String) throws(ScanError) -> ScanResult {
        let root = options.followSymlinks
            ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : OpenFile.openWithoutLinks(path, flags: O_DIRECTORY)
        guard root >= 0 else {
            let code = errno
            if code == ENOTDIR {
                throw ScanError(kind: .notADirectory, path: path, message: "not a directory (format dir)")
            }
            throw ScanError(errno: code, path: path, operation: "open")
        }
        var st = stat()
        guard fstat(root, &st) == 0 else {
            let code = errno
            close(root)
            throw ScanError(errno: code, path: path, operation: "fstat")
        }
        var totals = (files: 0, bytes: 0)
        try walk(root, path: path, totals: &totals)
        let identity = OpenFile.status(st).identity
        return ScanResult(
            format: .dir, numberOfSamples: totals.files, sizeBytes: totals.bytes, identity: identity,
            headChecksum: 0, tailChecksum: 0, state: nil, mode: .full, bytesScanned: 0)
    }

    /// Walks the directory open at `fd` (taking ownership of it: it is closed on return).
    private func walk(_ fd: Int32, path: String, totals: inout (files: Int, bytes: Int)) throws(ScanError) {
        guard let dir = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw ScanError(errno: code, path: path, operation: "opendir")
        }
        defer { closedir(dir) }
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw ScanError(errno: errno, path: path, operation: "readdir") }
                return
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            var st = stat()
            guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw ScanError(errno: errno, path: path + "/" + name, operation: "stat")
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFREG {
                totals.files += 1
                totals.bytes += Int(st.st_size)
            } else if type == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else { throw ScanError(errno: errno, path: path + "/" + name, operation: "open") }
                try walk(child, path: path + "/" + name, totals: &totals)
            }
        }
    }
}
