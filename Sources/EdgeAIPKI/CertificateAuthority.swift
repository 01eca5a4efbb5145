package import X509
import Crypto
import SwiftASN1

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// A self-signed ECDSA P-256 certificate authority that issues serving and client certificates.
///
/// A value type: it holds the CA certificate and key in memory and does no I/O except in
/// ``init(certificateFile:keyFile:)``. Issued certificates carry the CA's key identifier and are
/// backdated by ``clockSkewAllowance`` so peers with slightly slow clocks accept them.
package struct CertificateAuthority: Sendable {
    /// The CA certificate (basicConstraints CA, keyUsage keyCertSign + cRLSign).
    package let certificate: Certificate
    /// The CA certificate, PEM encoded.
    package let certificatePEM: String
    /// The CA private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    package let privateKeyPEM: String
    let privateKey: Certificate.PrivateKey

    /// Default lifetimes.
    package static let defaultCAValidity: TimeInterval = 3650 * 86_400
    package static let defaultServingValidity: TimeInterval = 365 * 86_400
    package static let defaultClientValidity: TimeInterval = 365 * 86_400
    /// How far `notValidBefore` is set before "now".
    package static let clockSkewAllowance: TimeInterval = 5 * 60

    /// Generates a new CA with a fresh P-256 key.
    package static func generate(
        commonName: String = "edgeai-ca",
        validity: TimeInterval = defaultCAValidity,
        now: Date = Date()
    ) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: commonName)
        ])
        let skid = Self.keyIdentifier(of: key.publicKey)
        let certificate = try wrap("CA certificate") {
            try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now - clockSkewAllowance,
                notValidAfter: now + validity,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(keyIdentifier: skid)
                },
                issuerPrivateKey: key
            )
        }
        return try CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Loads a CA from PEM text: the certificate and its private key (PKCS#8 or SEC1).
    ///
    /// Throws ``PKIError`` if either does not parse, the key does not match the certificate,
    /// or the certificate is not a CA.
    package init(certificatePEM: String, privateKeyPEM: String) throws {
        let certificate = try PEMCodec.certificate(certificatePEM, source: "CA certificate")
        let key = try PEMCodec.privateKey(privateKeyPEM, source: "CA key")
        try self.init(certificate: certificate, privateKey: key)
    }

    /// Loads a CA from a certificate file and a key file (PEM).
    package init(certificateFile: String, keyFile: String) throws {
        guard let cert = try SecureFile.readString(certificateFile) else {
            throw PKIError(.missingFile, "CA certificate \(certificateFile) does not exist")
        }
        guard let key = try SecureFile.readString(keyFile) else {
            throw PKIError(.missingFile, "CA key \(keyFile) does not exist")
        }
        try self.init(certificatePEM: cert, privateKeyPEM: key)
    }

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        guard privateKey.publicKey == certificate.publicKey else {
            throw PKIError(.invalidKey, "CA key does not match the CA certificate's public key")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw PKIError(.certificate, "certificate \(certificate.subject) is not a CA (basicConstraints)")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try PEMCodec.pem(certificate)
        self.privateKeyPEM = try PEMCodec.pem(privateKey)
    }

    /// Issues a TLS serving certificate (extendedKeyUsage serverAuth) for `hosts` plus
    /// ``ServingHost/defaults``. Duplicates are removed; order is kept.
    package func issueServingCertificate(
        hosts: [ServingHost] = [],
        commonName: String = "edgeai-server",
        validity: TimeInterval = defaultServingValidity,
        now: Date = Date()
    ) throws -> IssuedCertificate {
        var seen = Set<ServingHost>()
        let all = (ServingHost.defaults + hosts).filter { seen.insert($0).inserted }
        let names = SubjectAlternativeNames(
            all.map { host -> GeneralName in
                switch host {
                case .dns(let name): return .dnsName(name)
                case .ip(let bytes): return .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
                }
            }
        )
        let subject = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.commonName, utf8String: commonName)
        ])
        return try issue(subject: subject, usage: .serverAuth, names: names, validity: validity, now: now)
    }

    /// Issues a TLS serving certificate for host strings (DNS names or IP literals).
    package func issueServingCertificate(hosts: [String], validity: TimeInterval = defaultServingValidity, now: Date = Date()) throws
        -> IssuedCertificate
    {
        try issueServingCertificate(hosts: hosts.map(ServingHost.init(parsing:)), validity: validity, now: now)
    }

    /// Issues a client certificate (extendedKeyUsage clientAuth) whose subject is
    /// `CN=<user>` and one `O=<group>` per group: Kubernetes maps CN to the user name and each O
    /// to a group.
    package func issueClientCertificate(
        user: String,
        groups: [String] = [],
        validity: TimeInterval = defaultClientValidity,
        now: Date = Date()
    ) throws -> IssuedCertificate {
        try UserInfo.validate(name: user, groups: groups)
        var attributes = groups.map {
            RelativeDistinguishedName.Attribute(type: .RDNAttributeType.organizationName, utf8String: $0)
        }
        attributes.append(.init(type: .RDNAttributeType.commonName, utf8String: user))
        let subject = DistinguishedName(attributes.map { RelativeDistinguishedName($0) })
        return try issue(subject: subject, usage: .clientAuth, names: nil, validity: validity, now: now)
    }

    /// True if `certificate` carries a valid signature by this CA's key.
    /// Does not check validity dates or extensions (use X509's `Verifier` for full path validation).
    package func signed(_ certificate: Certificate) -> Bool {
        certificate.issuer == self.certificate.subject
            && self.certificate.publicKey.isValidSignature(certificate.signature, for: certificate)
    }

    private func issue(
        subject: DistinguishedName,
        usage: ExtendedKeyUsage.Usage,
        names: SubjectAlternativeNames?,
        validity: TimeInterval,
        now: Date
    ) throws -> IssuedCertificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityKeyID = (try? certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? Self.keyIdentifier(of: certificate.publicKey)
        let notAfter = min(now + validity, certificate.notValidAfter)
        let leaf = try Self.wrap("certificate for \(subject)") {
            try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now - Self.clockSkewAllowance,
                notValidAfter: notAfter,
                issuer: certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    SubjectKeyIdentifier(keyIdentifier: Self.keyIdentifier(of: key.publicKey))
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                    if let names { names }
                },
                issuerPrivateKey: privateKey
            )
        }
        return try IssuedCertificate(certificate: leaf, privateKey: key)
    }

    /// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    static func keyIdentifier(of key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }

    static func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as PKIError { throw error } catch {
            throw PKIError(.certificate, "cannot build \(what): \(error)")
        }
    }
}
