#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers for secret material.
///
/// `write` never exposes a partially written file or a file with looser permissions than asked:
/// it creates a temporary file with the final mode, fsyncs it and renames it into place.
enum SecureFile {
    /// Creates `path` with `mode` (parents with 0755) if it does not exist; an existing
    /// directory is kept as is, permissions included.
    static func createDirectory(_ path: String, mode: mode_t = 0o700) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw PKIError(.fileSystem, "\(path) exists and is not a directory")
            }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !parent.isEmpty, parent != path {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw PKIError(.fileSystem, "cannot create directory \(parent): \(error)")
            }
        }
        if mkdir(path, mode) != 0, errno != EEXIST {
            throw PKIError(.fileSystem, "cannot create directory \(path): \(errnoText())")
        }
        _ = chmod(path, mode)
    }

    /// Reads a whole file as UTF-8; nil if it does not exist.
    static func readString(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PKIError(.fileSystem, "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PKIError(.fileSystem, "\(path) is not UTF-8 text")
        }
        return text
    }

    /// Atomically replaces `path` with `contents`, the new file having exactly `mode`.
    static func writeAtomically(_ contents: String, to path: String, mode: mode_t) throws {
        let tmp = path + ".tmp-" + Base64URL.encode(SecureRandom.bytes(6))
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw PKIError(.fileSystem, "cannot create \(tmp): \(errnoText())") }
        var ok = false
        defer {
            if !ok { _ = unlink(tmp) }
        }
        do {
            defer { _ = close(fd) }
            guard fchmod(fd, mode) == 0 else {
                throw PKIError(.fileSystem, "cannot chmod \(tmp): \(errnoText())")
            }
            let bytes = Array(contents.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PKIError(.fileSystem, "cannot write \(tmp): \(errnoText())")
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw PKIError(.fileSystem, "cannot fsync \(tmp): \(errnoText())") }
        }
        guard rename(tmp, path) == 0 else {
            throw PKIError(.fileSystem, "cannot rename \(tmp) to \(path): \(errnoText())")
        }
        ok = true
    }

    /// Runs `body` holding an exclusive `flock` on `<directory>/.lock`, so that two processes
    /// bootstrapping the same directory do not create two CAs.
    static func withLock<T>(in directory: String, _ body: () throws -> T) throws -> T {
        let lockPath = directory + "/.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PKIError(.fileSystem, "cannot open \(lockPath): \(errnoText())") }
        defer { _ = close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw PKIError(.fileSystem, "cannot lock \(lockPath): \(errnoText())") }
        }
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
