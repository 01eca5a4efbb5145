package import X509
import SwiftASN1

#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// A leaf certificate with its private key, as PEM that NIOSSL and kubectl accept.
///
/// Construction checks that the key matches the certificate; it does not check who signed it
/// (see ``CertificateAuthority/signed(_:)``).
package struct IssuedCertificate: Sendable {
    package let certificate: Certificate
    /// The certificate, PEM encoded.
    package let certificatePEM: String
    /// The private key, PKCS#8 PEM.
    package let privateKeyPEM: String
    let privateKey: Certificate.PrivateKey

    /// Parses a certificate and its key (PKCS#8 or SEC1 PEM); throws if the key does not match.
    package init(certificatePEM: String, privateKeyPEM: String) throws {
        try self.init(
            certificate: PEMCodec.certificate(certificatePEM, source: "certificate"),
            privateKey: PEMCodec.privateKey(privateKeyPEM, source: "private key")
        )
    }

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        guard privateKey.publicKey == certificate.publicKey else {
            throw PKIError(.invalidKey, "private key does not match the public key of certificate \(certificate.subject)")
        }
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try PEMCodec.pem(certificate)
        self.privateKeyPEM = try PEMCodec.pem(privateKey)
    }

    /// The DNS names and IP addresses in the subjectAlternativeName extension.
    package var hosts: [ServingHost] {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return names.compactMap { name in
            switch name {
            case .dnsName(let dns): return .dns(dns.lowercased())
            case .ipAddress(let octets): return .ip(Array(octets.bytes))
            default: return nil
            }
        }
    }

    /// True if every requested host is matched by a subjectAlternativeName.
    package func covers(_ requested: [ServingHost]) -> Bool {
        let names = hosts
        return requested.allSatisfy { host in names.contains { $0.matches(host) } }
    }

    /// True if `date` lies within the certificate's validity period.
    package func isValid(at date: Date) -> Bool {
        certificate.notValidBefore <= date && date <= certificate.notValidAfter
    }
}
