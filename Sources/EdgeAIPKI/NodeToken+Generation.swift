import Crypto

/// Who a node token names: the node and, for a token `edgeai node add` issued for an EdgeNode,
/// the EdgeNode's token generation (`nil` for a token of the original, generation-less form).
package struct NodeIdentity: Sendable, Hashable {
    package var node: String
    package var generation: UInt64?

    package init(node: String, generation: UInt64?) {
        self.node = node
        self.generation = generation
    }
}

extension NodeToken {
    /// Domain-separation prefix of a generation token's MAC input, distinct from ``context``
    /// so that neither form of token can stand in for the other.
    static let generationContext = "edgeai-node-generation:"

    /// `<nodeName>.g<generation>.<base64url(HMAC-SHA256(secret, "edgeai-node-generation:" + nodeName + ":" + generation))>`.
    ///
    /// The hub accepts it only while the node's EdgeNode carries this generation: re-adding the
    /// node (a new generation) or deleting its EdgeNode refuses it from then on.
    package static func issue(node: String, generation: UInt64, secret: ClusterSecret) throws -> String {
        try DNSName.validateSubdomain(node, field: "node name")
        return node + ".g\(generation)." + Base64URL.encode(mac(node: node, generation: generation, secret: secret))
    }

    /// The identity `token` was issued for, in either form, or nil when it is malformed or its
    /// MAC does not match. The MAC comparison is constant-time.
    package static func identity(_ token: String, secret: ClusterSecret) -> NodeIdentity? {
        if let generation = verifyGeneration(token, secret: secret) { return generation }
        return verify(token, secret: secret).map { NodeIdentity(node: $0, generation: nil) }
    }

    static func verifyGeneration(_ token: String, secret: ClusterSecret) -> NodeIdentity? {
        guard token.utf8.count <= DNSName.maxSubdomainLength + 22 + macLength, let macDot = token.lastIndex(of: ".") else { return nil }
        let head = token[..<macDot]
        guard let generationDot = head.lastIndex(of: ".") else { return nil }
        let node = String(head[..<generationDot])
        let generationText = head[head.index(after: generationDot)...]
        guard generationText.hasPrefix("g"), generationText.count <= 21, let generation = UInt64(generationText.dropFirst()) else { return nil }
        let encoded = token[token.index(after: macDot)...]
        guard encoded.utf8.count == macLength, DNSName.isSubdomain(node), let presented = Base64URL.decode(encoded) else { return nil }
        let valid = HMAC<SHA256>.isValidAuthenticationCode(
            presented, authenticating: Array((generationContext + node + ":\(generation)").utf8), using: secret.key)
        return valid ? NodeIdentity(node: node, generation: generation) : nil
    }

    static func mac(node: String, generation: UInt64, secret: ClusterSecret) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array((generationContext + node + ":\(generation)").utf8), using: secret.key))
    }
}
