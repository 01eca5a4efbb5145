package import EdgeAIPKI

/// Who an edge connection is: the node its bearer token was issued for, and nothing else.
///
/// Pure: verifies the HMAC node token (``NodeToken``) against the cluster secret; no table, no
/// I/O. It does not look at anything else the client sends (no name in the URL or in `hello`).
package struct NodeAuthenticator: Sendable {
    /// The current cluster key first, then retired keys still in their grace (a rotation).
    let secrets: [ClusterSecret]

    package init(secret: ClusterSecret) {
        self.secrets = [secret]
    }

    /// Accepts tokens of any of `secrets` (the current key and those a rotation retired).
    package init(secrets: [ClusterSecret]) {
        self.secrets = secrets
    }

    /// The node of an `Authorization` header value (`Bearer <token>`, scheme case-insensitive),
    /// or `nil` when it is missing, malformed, forged or issued under another secret.
    package func node(authorization: String?) -> String? {
        identity(authorization: authorization)?.node
    }

    /// The node and token generation of an `Authorization` header value, or nil as ``node(authorization:)``.
    package func identity(authorization: String?) -> NodeIdentity? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].filter { $0 != " " && $0 != "\t" }
        return secrets.lazy.compactMap { NodeToken.identity(String(token), secret: $0) }.first
    }
}
