#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `dataUrl` or `modelUrl` lives on this node, and whether the agent may read it.
///
/// A URL is an absolute path or a `file://` URL in the *node's* namespace; the agent sees the
/// node's filesystem under ``root`` (`/` on a plain host, `/host` when the host is mounted into
/// a container). The `--allow` roots are node paths too. A location is accepted only when the
/// path, with every symlink resolved (inside ``root``: an absolute link target is taken
/// relative to the root, `..` never climbs above it), lies inside an allowed root.
///
/// Refused with ``LocationError`` (reason `NotAllowed`): other schemes, relative paths, `..`
/// components, NUL bytes, paths outside the allowed roots, symlinks resolving outside them, and
/// symlink loops. Resolution uses only `lstat` and `readlink`: it never opens the file or any
/// link target, so a refused path is never read.
/// Resolution and the later open are separate steps. The agent's scanner therefore opens the
/// resolved host path without following any link (`DatasetScanner.Options.followSymlinks`
/// false): a symlink swapped in between is refused at the open, never read through. For that,
/// ``root`` is itself resolved when the agent starts (a root that is a link is followed once,
/// there).
package struct DataLocator: Sendable {
    /// The host path under which node paths are resolved; `/` means the node paths are host paths.
    package let root: String
    /// The allowed node paths, symlinks resolved, without trailing slash.
    package let allowed: [String]
    /// The allowed node paths as configured (a quick lexical pre-check before any `lstat`).
    let allowedAsWritten: [String]

    /// - Throws: ``LocationError`` when an `--allow` entry is not an absolute path or has `..`.
    package init(root: String = "/", allow: [String]) throws(LocationError) {
        let rootComponents = try Self.components(ofAbsolute: root, what: "--root")
        let written = "/" + rootComponents.joined(separator: "/")
        // The root's own links are followed once, here: what is opened later holds none.
        let walked = try? Self.walk(rootComponents, root: "/")
        self.root = walked.flatMap { $0.exists ? $0.path : nil } ?? written
        var allowed: [String] = []
        var allowedAsWritten: [String] = []
        for entry in allow {
            let components = try Self.components(ofAbsolute: entry, what: "--allow")
            let resolved = (try? Self.walk(components, root: self.root).path) ?? Self.join(components)
            allowed.append(resolved)
            allowedAsWritten.append(Self.join(components))
        }
        self.allowed = allowed
        self.allowedAsWritten = allowedAsWritten
    }

    /// Resolves `url`; the returned location's ``ResolvedLocation/hostPath`` is what to open.
    package func resolve(_ url: String) -> Result<ResolvedLocation, LocationError> {
        do throws(LocationError) {
            let path = try Self.path(of: url)
            let components = try Self.components(ofAbsolute: path, what: "dataUrl")
            let lexical = Self.join(components)
            guard Self.isInside(lexical, allowedAsWritten) || Self.isInside(lexical, allowed) else {
                return .failure(LocationError("\(lexical) is outside the allowed roots (\(allowedList))"))
            }
            let walked = try Self.walk(components, root: root)
            guard Self.isInside(walked.path, allowed) else {
                return .failure(LocationError(
                    "\(lexical) resolves through a symlink to \(walked.path), outside the allowed roots (\(allowedList))"))
            }
            return .success(ResolvedLocation(nodePath: walked.path, hostPath: hostPath(of: walked.path)))
        } catch {
            return .failure(error)
        }
    }

    /// `root` joined with a node path.
    func hostPath(of nodePath: String) -> String {
        root == "/" ? nodePath : (nodePath == "/" ? root : root + nodePath)
    }

    /// The node path of a host path under ``root`` (the inverse of ``hostPath(of:)``), so that
    /// messages name the path the user wrote (`/data/x`), not where the agent sees it
    /// (`/host/data/x`). A path outside the root is returned unchanged.
    package func nodePath(ofHost hostPath: String) -> String {
        if root == "/" || hostPath.isEmpty { return hostPath }
        if hostPath == root { return "/" }
        return hostPath.hasPrefix(root + "/") ? String(hostPath.dropFirst(root.count)) : hostPath
    }

    private var allowedList: String { allowed.isEmpty ? "none configured" : allowed.joined(separator: ", ") }

    private static func isInside(_ path: String, _ roots: [String]) -> Bool {
        roots.contains { allowedRoot in
            allowedRoot == "/" || path == allowedRoot || path.hasPrefix(allowedRoot + "/")
        }
    }

    /// The path of an absolute path or `file://` URL; other schemes are refused.
    static func path(of url: String) throws(LocationError) -> String {
        if url.isEmpty { throw LocationError("dataUrl is empty") }
        if url.hasPrefix("/") { return url }
        let lower = url.lowercased()
        if lower.hasPrefix("file://") {
            var rest = Substring(url.dropFirst("file://".count))
            if rest.lowercased().hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
            guard rest.hasPrefix("/") else {
                throw LocationError("\(url): a file:// URL must name a local absolute path (file:///path)")
            }
            return try percentDecoded(String(rest), url: url)
        }
        if let colon = url.firstIndex(of: ":"), url[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
            throw LocationError("scheme \"\(url[..<colon])\" is not supported (only absolute paths and file:// URLs)")
        }
        throw LocationError("\(url) is not an absolute path")
    }

    private static func percentDecoded(_ text: String, url: String) throws(LocationError) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else {
                    throw LocationError("\(url): malformed percent escape")
                }
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The components of an absolute path, without `.` and empty ones; `..` and NUL refused.
    static func components(ofAbsolute path: String, what: String) throws(LocationError) -> [String] {
        guard path.hasPrefix("/") else { throw LocationError("\(what) \(path) is not an absolute path") }
        guard !path.utf8.contains(0) else { throw LocationError("\(what) contains a NUL byte") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if parts.contains("..") { throw LocationError("\(what) \(path) contains \"..\"") }
        return parts
    }

    static func join(_ components: [String]) -> String { "/" + components.joined(separator: "/") }

    /// The node path with every symlink of its existing prefix resolved inside `root`.
    /// Components past the first missing one are kept as written.
    static func walk(_ components: [String], root: String) throws(LocationError) -> (path: String, exists: Bool) {
        var resolved: [String] = []
        var pending = Array(components.reversed())
        var links = 0
        var exists = true
        while let component = pending.popLast() {
            if component == "." || component.isEmpty { continue }
            if component == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            resolved.append(component)
            guard exists else { continue }
            let host = root == "/" ? join(resolved) : root + join(resolved)
            var info = stat()
            guard lstat(host, &info) == 0 else {
                exists = false  // missing or unreadable: the rest stays lexical; the scan reports why
                continue
            }
            guard (info.st_mode & S_IFMT) == S_IFLNK else { continue }
            links += 1
            if links > 40 { throw LocationError("\(join(components)): too many levels of symbolic links") }
            guard let target = readLink(host) else { throw LocationError("\(join(resolved)): unreadable symlink") }
            resolved.removeLast()
            if target.hasPrefix("/") { resolved.removeAll() }
            for part in target.split(separator: "/", omittingEmptySubsequences: true).reversed() {
                pending.append(String(part))
            }
        }
        return (join(resolved), exists)
    }

    /// `stat` of a host path (following symlinks; never an open): the size of a regular file,
    /// `nil` for other file types; or the errno.
    static func status(ofHostPath path: String) -> Result<Int64?, FileStatusError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(FileStatusError(code: errno)) }
        return .success((info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : nil)
    }

    struct FileStatusError: Error {
        var code: Int32
        var isNotFound: Bool { code == ENOENT || code == ENOTDIR }
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A location the agent may read: its node path (symlinks resolved) and the host path to open.
package struct ResolvedLocation: Hashable, Sendable {
    package var nodePath: String
    package var hostPath: String

    package init(nodePath: String, hostPath: String) {
        self.nodePath = nodePath
        self.hostPath = hostPath
    }
}

/// A refused location: always the condition reason `NotAllowed`, with a message naming the path.
package struct LocationError: Error, Hashable, Sendable, CustomStringConvertible {
    package var message: String
    package var reason: String { "NotAllowed" }

    package init(_ message: String) { self.message = message }

    package var description: String { message }
}
