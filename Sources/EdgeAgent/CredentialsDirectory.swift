import EdgeAIAPI
import NIOPosix
package import RemoteStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Credentials from a local directory (`edgeai edge --credentials-dir DIR`): one file per
/// credential name, `DIR/<name>`, owner-only (mode 0600 or stricter), in Sedna's Secret shape
/// written as `KEY=VALUE` lines — the Secret's data keys (`ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`,
/// optional `SESSION_TOKEN`) and its annotations (`s3-endpoint`, `s3-usehttps`, `s3-region`,
/// `s3-addressing`). `#` starts a comment line. A file without a key pair is anonymous access.
///
/// Refused (``RemoteError`` `.invalidCredentials`, naming the file, never a value): a name that
/// is not a DNS-1123 subdomain, a missing file, a symlink or non-regular file, a file readable by
/// group or others, one over ``maximumFileBytes``, a malformed line (by number), an unknown key.
/// The file is read on NIO's thread pool (never on the cooperative pool) at every use, so a
/// rotated key takes effect at the next look.
package struct CredentialsDirectory: CredentialProvider {
    package static let maximumFileBytes = 16 << 10

    package let path: String
    /// Whether an `s3-endpoint` may be plain HTTP (`edgeai edge --allow-http`).
    package let allowInsecureHTTP: Bool

    package init(path: String, allowInsecureHTTP: Bool = false) {
        self.path = path
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    /// The file `DIR/<name>`, whatever the namespace.
    package func access(named name: String, namespace: String) async throws(RemoteError) -> S3Access {
        guard NameValidation.isDNS1123Subdomain(name) else {
            throw RemoteError(.invalidCredentials, "credential name \"\(name.prefix(64))\" is not a DNS-1123 subdomain")
        }
        let file = path + "/" + name
        let read: Result<[UInt8], RemoteError>
        do {
            read = try await NIOThreadPool.singleton.runIfActive { Self.load(file, name: name) }
        } catch {
            throw RemoteError(.fileSystem, "credentials \(name): the agent's thread pool is not running")
        }
        return try Self.parse(try read.get(), name: name, allowInsecureHTTP: allowInsecureHTTP)
    }

    /// Reads an owner-only regular file of at most ``maximumFileBytes`` without following links.
    static func load(_ file: String, name: String) -> Result<[UInt8], RemoteError> {
        let fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return .failure(RemoteError(.invalidCredentials, "no credentials named \(name) in the credentials directory")) }
            if code == ELOOP { return .failure(RemoteError(.invalidCredentials, "credentials \(name): the file is a symlink")) }
            return .failure(RemoteError(.invalidCredentials, "credentials \(name): cannot open the file (errno \(code))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(RemoteError(.invalidCredentials, "credentials \(name): not a regular file"))
        }
        guard info.st_mode & 0o077 == 0 else {
            return .failure(RemoteError(.invalidCredentials,
                "credentials \(name): the file is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it"))
        }
        guard info.st_size <= Self.maximumFileBytes else {
            return .failure(RemoteError(.invalidCredentials, "credentials \(name): the file is larger than \(Self.maximumFileBytes) bytes"))
        }
        var bytes = [UInt8](repeating: 0, count: Self.maximumFileBytes + 1)
        var total = 0
        while total < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress.map { $0 + total }, buffer.count - total)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return .failure(RemoteError(.invalidCredentials, "credentials \(name): read failed (errno \(errno))")) }
            if count == 0 { break }
            total += count
        }
        guard total <= Self.maximumFileBytes else {
            return .failure(RemoteError(.invalidCredentials, "credentials \(name): the file is larger than \(Self.maximumFileBytes) bytes"))
        }
        return .success(Array(bytes[0..<total]))
    }

    /// Parses a credentials file (pure). Messages name lines by number, never their text.
    static func parse(_ bytes: [UInt8], name: String, allowInsecureHTTP: Bool) throws(RemoteError) -> S3Access {
        var data: [String: [UInt8]] = [:]
        var annotations: [String: String] = [:]
        for (index, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var line = rawLine[...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            while line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") { line = line.dropFirst() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw RemoteError(.invalidCredentials, "credentials \(name): line \(index + 1) is not KEY=VALUE")
            }
            let key = String(decoding: line[..<equals], as: UTF8.self).trimmingSpaces
            let value = Array(line[line.index(after: equals)...])
            if S3Credentials.secretDataKeys.contains(key) {
                data[key] = value
            } else if S3Endpoint.annotationKeys.contains(key) {
                annotations[key] = String(decoding: value, as: UTF8.self).trimmingSpaces
            } else {
                throw RemoteError(.invalidCredentials,
                    "credentials \(name): line \(index + 1) has an unknown key (want ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN or an s3-* annotation)")
            }
        }
        let parsed = try SednaCredential.parse(
            data: data, annotations: annotations, name: name, label: "credentials \(name)", allowInsecureHTTP: allowInsecureHTTP)
        return S3Access(endpoint: parsed.endpoint, credentials: parsed.credentials)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
