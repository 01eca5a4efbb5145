import X509

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Creates a cluster's data directory on first start and reuses it afterwards.
///
/// On first start it writes (directory 0700): `ca.crt` (0644) and `ca.key` (0600), `server.crt`
/// (0644) and `server.key` (0600), `cluster.key` (32 random bytes, base64, 0600) and `tokens.csv`
/// (0600, Kubernetes static token format) holding the admin token. Later starts load all of it;
/// the serving certificate alone is re-issued when missing, unreadable, not signed by the CA,
/// expired or expiring within ``servingRenewalWindow``, or not covering the requested hosts (the
/// new one covers the old names too). Existing files keep their permissions.
///
/// Safe against concurrent bootstraps of the same directory (an `flock` on `<dir>/.lock`).
/// Never replaces an existing CA: a `ca.crt` without its `ca.key` is an error.
package enum PKIBootstrap {
    /// The user name of the admin token.
    package static let adminUser = "admin"
    /// The groups of the admin token (`system:masters` is cluster-admin in Kubernetes RBAC).
    package static let adminGroups = ["system:masters"]
    /// A serving certificate closer than this to expiry is re-issued.
    package static let servingRenewalWindow: TimeInterval = 30 * 86_400

    /// Loads or creates the material in `dataDirectory`; `hosts` (DNS names or IP literals) are
    /// added to the serving certificate's defaults (`localhost`, `127.0.0.1`, `::1`).
    package static func ensure(dataDirectory: String, hosts: [String] = [], now: Date = Date()) throws -> ClusterCredentials {
        let requested = try hosts.map(ServingHost.init(parsing:))
        let paths = ClusterCredentials.Paths(dataDirectory: dataDirectory)
        try SecureFile.createDirectory(paths.dataDirectory, mode: 0o700)
        return try SecureFile.withLock(in: paths.dataDirectory) {
            let ca = try ensureCA(paths, now: now)
            let secret = try ensureSecret(paths)
            let (tokens, adminToken) = try ensureAdminToken(paths)
            let serving = try ensureServing(paths, ca: ca, hosts: requested, now: now)
            return ClusterCredentials(
                paths: paths,
                certificateAuthority: ca,
                servingCertificate: serving,
                clusterSecret: secret,
                tokens: tokens,
                adminToken: adminToken
            )
        }
    }

    /// ``ensure(dataDirectory:hosts:now:)`` for a file URL.
    package static func ensure(dataDirectory: URL, hosts: [String] = [], now: Date = Date()) throws -> ClusterCredentials {
        try ensure(dataDirectory: dataDirectory.path, hosts: hosts, now: now)
    }

    private static func ensureCA(_ paths: ClusterCredentials.Paths, now: Date) throws -> CertificateAuthority {
        let certPEM = try SecureFile.readString(paths.caCertificate)
        let keyPEM = try SecureFile.readString(paths.caKey)
        switch (certPEM, keyPEM) {
        case (let cert?, let key?):
            return try CertificateAuthority(certificatePEM: cert, privateKeyPEM: key)
        case (_?, nil):
            throw PKIError(
                .missingFile,
                "\(paths.caCertificate) exists but its key \(paths.caKey) does not; restore the key or remove both to create a new CA"
            )
        case (nil, _):
            // No certificate: a fresh CA (a lone key, left by a crash between the two writes, is
            // replaced, since nothing can have been signed by a CA without a certificate).
            let ca = try CertificateAuthority.generate(now: now)
            try SecureFile.writeAtomically(ca.privateKeyPEM, to: paths.caKey, mode: 0o600)
            try SecureFile.writeAtomically(ca.certificatePEM, to: paths.caCertificate, mode: 0o644)
            return ca
        }
    }

    private static func ensureSecret(_ paths: ClusterCredentials.Paths) throws -> ClusterSecret {
        if let text = try SecureFile.readString(paths.clusterSecret) {
            do { return try ClusterSecret(base64: text) } catch let error as PKIError {
                throw PKIError(error.code, "\(paths.clusterSecret): \(error.message)")
            }
        }
        let secret = ClusterSecret.generate()
        try SecureFile.writeAtomically(secret.base64 + "\n", to: paths.clusterSecret, mode: 0o600)
        return secret
    }

    private static func ensureAdminToken(_ paths: ClusterCredentials.Paths) throws -> (TokenAuthenticator, String) {
        var tokens: TokenAuthenticator
        do {
            tokens = try TokenAuthenticator(tokenFile: SecureFile.readString(paths.tokenFile) ?? "")
        } catch let error as PKIError {
            throw PKIError(error.code, "\(paths.tokenFile): \(error.message)")
        }
        if let token = tokens.token(forUser: adminUser, groups: adminGroups) { return (tokens, token) }
        let token = try tokens.addToken(user: adminUser, uid: adminUser, groups: adminGroups)
        try SecureFile.writeAtomically(tokens.tokenFile, to: paths.tokenFile, mode: 0o600)
        return (tokens, token)
    }

    private static func ensureServing(
        _ paths: ClusterCredentials.Paths,
        ca: CertificateAuthority,
        hosts: [ServingHost],
        now: Date
    ) throws -> IssuedCertificate {
        var keep: [ServingHost] = []
        if let cert = try SecureFile.readString(paths.servingCertificate),
            let key = try SecureFile.readString(paths.servingKey),
            let existing = try? IssuedCertificate(certificatePEM: cert, privateKeyPEM: key),
            ca.signed(existing.certificate)
        {
            let fresh = existing.isValid(at: now) && existing.certificate.notValidAfter > now + servingRenewalWindow
            if fresh, existing.covers(ServingHost.defaults + hosts) { return existing }
            keep = existing.hosts
        }
        var seen = Set<ServingHost>()
        let all = (keep + hosts).filter { seen.insert($0).inserted }
        let issued = try ca.issueServingCertificate(hosts: all, now: now)
        try SecureFile.writeAtomically(issued.privateKeyPEM, to: paths.servingKey, mode: 0o600)
        try SecureFile.writeAtomically(issued.certificatePEM, to: paths.servingCertificate, mode: 0o644)
        return issued
    }
}
