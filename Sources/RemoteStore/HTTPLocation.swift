/// An absolute `https://` (or, when allowed, `http://`) URL, split and checked.
///
/// No user info (credentials come from a Secret, never a URL), no fragment, only printable
/// ASCII (the path and query must already be percent-encoded), at most
/// ``maximumLength`` bytes.
package struct HTTPLocation: Sendable, Equatable, CustomStringConvertible {
    package static let maximumLength = 4096

    package let useHTTPS: Bool
    package let host: String
    package let port: Int?
    /// The path and query as sent, starting with `/`.
    package let target: String

    /// - Throws: ``RemoteError/Code/invalidLocation``, or `.invalidEndpoint` for `http://`
    ///   without `allowInsecureHTTP`.
    package init(parsing url: String, allowInsecureHTTP: Bool = false) throws(RemoteError) {
        guard url.utf8.count <= Self.maximumLength else {
            throw RemoteError(.invalidLocation, "URL is longer than \(Self.maximumLength) bytes")
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw RemoteError(.invalidLocation, "URL holds a space, control or non-ASCII character (percent-encode it)")
        }
        var rest = Substring(url)
        if rest.lowercased().hasPrefix("https://") {
            useHTTPS = true
            rest = rest.dropFirst(8)
        } else if rest.lowercased().hasPrefix("http://") {
            guard allowInsecureHTTP else {
                throw RemoteError(.invalidEndpoint, "http:// URLs are refused unless the agent is started to allow plain HTTP")
            }
            useHTTPS = false
            rest = rest.dropFirst(7)
        } else {
            throw RemoteError(.invalidLocation, "URL must start with https://")
        }
        guard !rest.contains("#") else { throw RemoteError(.invalidLocation, "URL must not have a fragment") }
        let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<slash]
        guard !authority.contains("@") else {
            throw RemoteError(.invalidLocation, "URL must not carry user info; put credentials in a Secret")
        }
        let (host, port) = try Self.splitHostPort(String(authority), what: "URL")
        self.host = host.lowercased()
        self.port = port
        let target = String(rest[slash...])
        self.target = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : target)
    }

    /// `host[:port]` as the `Host` header says it.
    package var authority: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (useHTTPS ? 443 : 80) else { return bracketed }
        return "\(bracketed):\(port)"
    }

    package var description: String { "\(useHTTPS ? "https" : "http")://\(authority)\(target)" }

    /// Splits `host[:port]` or `[v6]:port`.
    static func splitHostPort(_ authority: String, what: String) throws(RemoteError) -> (String, Int?) {
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw RemoteError(.invalidLocation, "\(what) host has an unclosed [")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                throw RemoteError(.invalidLocation, "\(what) has text after its [host]")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw RemoteError(.invalidLocation, "\(what) port \"\(portText.prefix(8))\" is not in 1-65535")
            }
            port = value
        }
        try checkHost(host)
        return (host, port)
    }

    static func checkHost(_ host: String) throws(RemoteError) {
        guard !host.isEmpty else { throw RemoteError(.invalidLocation, "host is empty") }
        guard host.utf8.count <= S3Endpoint.maximumHostLength else {
            throw RemoteError(.invalidLocation, "host is longer than \(S3Endpoint.maximumHostLength) bytes")
        }
        let ok = host.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A || $0 == 0x5F
        }
        guard ok else { throw RemoteError(.invalidLocation, "host \"\(host.prefix(64))\" holds a character hosts cannot") }
    }
}
