#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A name a serving certificate is valid for: a DNS name or an IP address.
///
/// Parsing normalises: DNS names are lowercased and lose a trailing dot, IPv6 literals may be
/// bracketed (`[::1]`) and are compared by their 16 bytes, so `::1` and `0:0::1` are equal.
package enum ServingHost: Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    /// 4 bytes for IPv4, 16 for IPv6.
    case ip([UInt8])

    /// The hosts every serving certificate covers: `localhost`, `127.0.0.1`, `::1`.
    package static let defaults: [ServingHost] = [.dns("localhost"), .ip([127, 0, 0, 1]), .ip(Array(repeating: 0, count: 15) + [1])]

    /// Parses a host name or IP literal; throws ``PKIError/Code/invalidHost`` otherwise.
    /// A leading `*.` wildcard label is allowed on DNS names.
    package init(parsing text: String) throws {
        var host = Substring(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if let bytes = Self.parseIP(String(host)) {
            self = .ip(bytes)
            return
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let checked = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
        guard DNSName.isSubdomain(checked) else {
            throw PKIError(.invalidHost, "host \"\(text)\" is neither an IP address nor a valid DNS name")
        }
        self = .dns(name)
    }

    package var description: String {
        switch self {
        case .dns(let name): return name
        case .ip(let bytes): return Self.format(bytes)
        }
    }

    /// Parses dotted IPv4 or textual IPv6 into network-order bytes.
    static func parseIP(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Formats 4 or 16 bytes as an IP literal.
    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { src in
            buffer.withUnsafeMutableBufferPointer { dst in
                inet_ntop(family, src.baseAddress, dst.baseAddress, socklen_t(dst.count)) != nil
            }
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True if this certificate name matches the requested host (RFC 6125: a `*` matches exactly
    /// one leftmost label).
    func matches(_ requested: ServingHost) -> Bool {
        switch (self, requested) {
        case (.ip(let a), .ip(let b)): return a == b
        case (.dns(let pattern), .dns(let name)):
            if pattern == name { return true }
            guard pattern.hasPrefix("*.") else { return false }
            guard let dot = name.firstIndex(of: "."), name.startIndex != dot else { return false }
            return name[dot...] == pattern.dropFirst(1)
        default: return false
        }
    }
}
