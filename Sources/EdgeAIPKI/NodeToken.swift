import Crypto

/// Stateless node credentials: `<nodeName>.<base64url(HMAC-SHA256(secret, "edgeai-node:" + nodeName))>`.
///
/// The original, generation-less form: the cloud recomputes the MAC, and only rotating the
/// ``ClusterSecret`` revokes such a token. Every token the CLI issues now carries a generation
/// (`NodeToken+Generation.swift`), which the node's EdgeNode must match; this form is still
/// verified for fleets provisioned before. Pure functions, no I/O.
package enum NodeToken {
    /// Domain-separation prefix of the MAC input.
    static let context = "edgeai-node:"
    /// Length of an unpadded base64url SHA-256 MAC.
    static let macLength = 43

    /// The token for `node`; throws ``PKIError/Code/invalidName`` unless it is a DNS-1123 subdomain.
    package static func issue(node: String, secret: ClusterSecret) throws -> String {
        try DNSName.validateSubdomain(node, field: "node name")
        return node + "." + Base64URL.encode(mac(node: node, secret: secret))
    }

    /// The node name `token` was issued for, or nil if it is malformed or its MAC does not match.
    /// The MAC comparison is constant-time.
    package static func verify(_ token: String, secret: ClusterSecret) -> String? {
        guard token.utf8.count <= DNSName.maxSubdomainLength + 1 + macLength,
            let dot = token.lastIndex(of: ".")
        else { return nil }
        let node = String(token[..<dot])
        let encoded = token[token.index(after: dot)...]
        guard encoded.utf8.count == macLength, DNSName.isSubdomain(node),
            let presented = Base64URL.decode(encoded)
        else { return nil }
        let valid = HMAC<SHA256>.isValidAuthenticationCode(
            presented,
            authenticating: Array((context + node).utf8),
            using: secret.key
        )
        return valid ? node : nil
    }

    static func mac(node: String, secret: ClusterSecret) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array((context + node).utf8), using: secret.key))
    }
}
