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
package struct ClusterCredentials: Sendable {
    /// File layout of a data directory.
    package struct Paths: Sendable, Hashable {
        package let dataDirectory: String
        package var caCertificate: String { dataDirectory + "/ca.crt" }
        package var caKey: String { dataDirectory + "/ca.key" }
        package var servingCertificate: String { dataDirectory + "/server.crt" }
        package var servingKey: String { dataDirectory + "/server.key" }
        package var tokenFile: String { dataDirectory + "/tokens.csv" }
        package var clusterSecret: String { dataDirectory + "/cluster.key" }
        package var kubeconfig: String { dataDirectory + "/kubeconfig" }

        package init(dataDirectory: String) {
            var dir = dataDirectory
            while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
            self.dataDirectory = dir
        }
    }

    package let paths: Paths
    package let certificateAuthority: CertificateAuthority
    /// The API server's serving certificate and key.
    package let servingCertificate: IssuedCertificate
    package let clusterSecret: ClusterSecret
    /// Every static token, the admin's included.
    package private(set) var tokens: TokenAuthenticator
    /// The bearer token of ``PKIBootstrap/adminUser`` (group `system:masters`).
    package let adminToken: String

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
    package func nodeToken(for node: String) throws -> String {
        try NodeToken.issue(node: node, secret: clusterSecret)
    }

    /// A kubeconfig for the admin token against `https://<host>:<port>`.
    package func adminKubeconfig(host: String = "127.0.0.1", port: Int) -> KubeconfigWriter {
        KubeconfigWriter(
            server: KubeconfigWriter.serverURL(host: host, port: port),
            certificateAuthorityPEM: certificateAuthority.certificatePEM,
            credential: .token(adminToken)
        )
    }

    /// Writes the admin kubeconfig to `<dataDirectory>/kubeconfig` (0600) and returns its path.
    @discardableResult
    package func writeAdminKubeconfig(host: String = "127.0.0.1", port: Int) throws -> String {
        try adminKubeconfig(host: host, port: port).write(to: paths.kubeconfig)
        return paths.kubeconfig
    }

    /// Returns the token of `user` with exactly `groups`, adding one to `tokens.csv` if there is
    /// none. Idempotent across restarts: use it for long-lived identities (the cloud controller).
    /// Re-reads the file under the directory lock so concurrent writers do not lose entries.
    package mutating func ensureToken(user: String, uid: String? = nil, groups: [String] = []) throws -> String {
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
