#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The security material of one cluster data directory, as loaded or created by
/// ``PKIBootstrap/ensure(dataDirectory:hosts:now:)``.
///
/// A snapshot: values are read once. Mutating methods (``ensureToken(user:uid:groups:)``) update
/// both the file and this value, under the directory lock.
public struct ClusterCredentials: Sendable {
    /// File layout of a data directory.
    public struct Paths: Sendable, Hashable {
        public let dataDirectory: String
        public var caCertificate: String { dataDirectory + "/ca.crt" }
        public var caKey: String { dataDirectory + "/ca.key" }
        public var servingCertificate: String { dataDirectory + "/server.crt" }
        public var servingKey: String { dataDirectory + "/server.key" }
        public var tokenFile: String { dataDirectory + "/tokens.csv" }
        public var clusterSecret: String { dataDirectory + "/cluster.key" }
        public var kubeconfig: String { dataDirectory + "/kubeconfig" }

        public init(dataDirectory: String) {
            var dir = dataDirectory
            while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
            self.dataDirectory = dir
        }
    }

    public let paths: Paths
    public let certificateAuthority: CertificateAuthority
    /// The API server's serving certificate and key.
    public let servingCertificate: IssuedCertificate
    public let clusterSecret: ClusterSecret
    /// Every static token, the admin's included.
    public private(set) var tokens: TokenAuthenticator
    /// The bearer token of ``PKIBootstrap/adminUser`` (group `system:masters`).
    public let adminToken: String

    init(
        paths: Paths,
        certificateAuthority: CertificateAuthority,
        servingCertificate: IssuedCertificate,
        clusterSecret: ClusterSecret,
        tokens: TokenAuthenticator,
        adminToken: String
    ) {
        self.paths = paths
        self.certificateAuthority = certificateAuthority
        self.servingCertificate = servingCertificate
        self.clusterSecret = clusterSecret
        self.tokens = tokens
        self.adminToken = adminToken
    }

    /// The node token for `node` (see ``NodeToken``).
    public func nodeToken(for node: String) throws -> String {
        try NodeToken.issue(node: node, secret: clusterSecret)
    }

    /// A kubeconfig for the admin token against `https://<host>:<port>`.
    public func adminKubeconfig(host: String = "127.0.0.1", port: Int) -> KubeconfigWriter {
        KubeconfigWriter(
            server: KubeconfigWriter.serverURL(host: host, port: port),
            certificateAuthorityPEM: certificateAuthority.certificatePEM,
            credential: .token(adminToken)
        )
    }

    /// Writes the admin kubeconfig to `<dataDirectory>/kubeconfig` (0600) and returns its path.
    @discardableResult
    public func writeAdminKubeconfig(host: String = "127.0.0.1", port: Int) throws -> String {
        try adminKubeconfig(host: host, port: port).write(to: paths.kubeconfig)
        return paths.kubeconfig
    }

    /// Returns the token of `user` with exactly `groups`, adding one to `tokens.csv` if there is
    /// none. Idempotent across restarts: use it for long-lived identities (the cloud controller).
    /// Re-reads the file under the directory lock so concurrent writers do not lose entries.
    public mutating func ensureToken(user: String, uid: String? = nil, groups: [String] = []) throws -> String {
        let paths = self.paths
        let (token, updated) = try SecureFile.withLock(in: paths.dataDirectory) { () throws -> (String, TokenAuthenticator) in
            var current = try TokenAuthenticator(tokenFile: SecureFile.readString(paths.tokenFile) ?? "")
            if let existing = current.token(forUser: user, groups: groups) { return (existing, current) }
            let token = try current.addToken(user: user, uid: uid, groups: groups)
            try SecureFile.writeAtomically(current.tokenFile, to: paths.tokenFile, mode: 0o600)
            return (token, current)
        }
        tokens = updated
        return token
    }
}
