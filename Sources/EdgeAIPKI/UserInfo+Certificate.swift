package import X509
package import NIOSSL
import SwiftASN1

extension UserInfo {
    /// The Kubernetes user of a client certificate: subject CN is the name, each subject O a group,
    /// the uid is empty.
    ///
    /// Returns nil if the certificate has no CN, or has an extendedKeyUsage without `clientAuth`
    /// (a serving certificate must not authenticate as a user).
    ///
    /// - Important: This does not verify the certificate. Call it only on a certificate the TLS layer
    ///   verified against the cluster CA: with NIOSSL and ``ClusterCredentials/serverTLSConfiguration(requestClientCertificates:)``
    ///   that is `channel.nioSSL_peerCertificate()` (or `NIOSSLHandler.peerCertificate` on the event
    ///   loop) after the handshake; with `.optionalVerification` a presented certificate that does
    ///   not chain to the CA fails the handshake, so a non-nil peer certificate is a verified one.
    package static func from(certificate: Certificate) -> UserInfo? {
        if let eku = try? certificate.extensions.extendedKeyUsage,
            !eku.contains(.clientAuth), !eku.contains(.any)
        {
            return nil
        }
        var name: String?
        var groups: [String] = []
        for rdn in certificate.subject {
            for attribute in rdn {
                if attribute.type == .RDNAttributeType.commonName {
                    name = String(attribute.value)
                } else if attribute.type == .RDNAttributeType.organizationName, let group = String(attribute.value) {
                    groups.append(group)
                }
            }
        }
        guard let name, !name.isEmpty else { return nil }
        return UserInfo(name: name, uid: "", groups: groups)
    }

    /// The Kubernetes user of a NIOSSL peer certificate; see ``from(certificate:)-(Certificate)``.
    /// Returns nil also if the certificate cannot be re-parsed.
    package static func from(certificate: NIOSSLCertificate) -> UserInfo? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else {
            return nil
        }
        return from(certificate: parsed)
    }
}
