#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DatasetScanner {
    /// Counts the regular files under `path`, recursively, without following symlinks (a
    /// symlink is neither counted nor entered; sockets, FIFOs and devices are not counted).
    /// Always a full walk: the result carries no counter state. `sizeBytes` is the total size
    /// of the counted files. Streams `readdir` (memory does not grow with the number of files);
    /// `progress` hears `(entries seen, 0)` every ``directoryProgressEntries`` entries.
    func scanDirectory(path: String, progress: ScanProgress? = nil) throws(ScanError) -> ScanResult {
        let root = options.followSymlinks
            ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK) : OpenFile.openWithoutLinks(path, flags: O_DIRECTORY | O_NONBLOCK)
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
        var totals = Totals()
        try walk(root, path: path, totals: &totals, progress: progress)
        let identity = OpenFile.status(st).identity
        return ScanResult(
            format: .dir, numberOfSamples: totals.files, sizeBytes: totals.bytes, identity: identity,
            headChecksum: 0, tailChecksum: 0, state: nil, mode: .full, bytesScanned: 0)
    }

    /// Walks the directory open at `fd` (taking ownership of it: it is closed on return).
    /// Entries between two progress reports of a directory walk.
    static let directoryProgressEntries = 4096

    struct Totals {
        var files = 0
        var bytes = 0
        var entries = 0
    }

    private func walk(_ fd: Int32, path: String, totals: inout Totals, progress: ScanProgress?) throws(ScanError) {
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
            totals.entries += 1
            if totals.entries % Self.directoryProgressEntries == 0 { progress?.report(totals.entries, 0) }
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
                try walk(child, path: path + "/" + name, totals: &totals, progress: progress)
            }
        }
    }
}
