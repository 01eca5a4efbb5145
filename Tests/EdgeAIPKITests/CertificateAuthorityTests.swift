import Crypto
import EdgeAIPKI
import Foundation
import NIOSSL
import SwiftASN1
import Testing
import X509

@Suite(.timeLimit(.minutes(5)))
struct CertificateAuthorityTests {
    static let ca = try! CertificateAuthority.generate()

    func validate(
        _ leaf: Certificate,
        roots: [Certificate],
        host: String? = nil,
        ip: String? = nil
    ) async -> Bool {
        let result: CertificateValidationResult
        if host == nil, ip == nil {
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy() }
            result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        } else {
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy()
                ServerIdentityPolicy(serverHostname: host, serverIP: ip)
            }
            result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        }
        if case .validCertificate = result { return true }
        return false
    }

    @Test func generatedCAIsA10YearSelfSignedCertificateAuthority() throws {
        let cert = Self.ca.certificate
        #expect(cert.issuer == cert.subject)
        #expect(cert.publicKey.isValidSignature(cert.signature, for: cert))
        #expect(try cert.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try cert.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign)
        let years = cert.notValidAfter.timeIntervalSince(cert.notValidBefore) / (365 * 86_400)
        #expect(years > 9.9 && years < 10.1)
        #expect(P256.Signing.PublicKey(cert.publicKey) != nil)
        #expect(Self.ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test func servingCertificateVerifiesForDefaultAndRequestedHosts() async throws {
        let serving = try Self.ca.issueServingCertificate(hosts: ["edge-1.example.com", "10.1.2.3", "[fd00::5]"])
        let root = Self.ca.certificate
        #expect(await validate(serving.certificate, roots: [root], host: "localhost"))
        #expect(await validate(serving.certificate, roots: [root], host: "edge-1.example.com"))
        #expect(await validate(serving.certificate, roots: [root], ip: "127.0.0.1"))
        #expect(await validate(serving.certificate, roots: [root], ip: "::1"))
        #expect(await validate(serving.certificate, roots: [root], ip: "10.1.2.3"))
        #expect(await validate(serving.certificate, roots: [root], ip: "fd00::5"))
        #expect(try serving.certificate.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
        #expect(try serving.certificate.extensions.basicConstraints == .notCertificateAuthority)
        let days = serving.certificate.notValidAfter.timeIntervalSinceNow / 86_400
        #expect(days > 364 && days < 366)
        #expect(Self.ca.signed(serving.certificate))
    }

    @Test func servingCertificateDoesNotVerifyForOtherHosts() async throws {
        let serving = try Self.ca.issueServingCertificate(hosts: ["edge-1.example.com"])
        #expect(!(await validate(serving.certificate, roots: [Self.ca.certificate], host: "evil.example.com")))
        #expect(!(await validate(serving.certificate, roots: [Self.ca.certificate], ip: "10.9.9.9")))
        #expect(serving.covers([.dns("edge-1.example.com"), .dns("localhost"), try ServingHost(parsing: "0:0::1")]))
        #expect(!serving.covers([.dns("evil.example.com")]))
        #expect(!serving.covers([try ServingHost(parsing: "10.9.9.9")]))
    }

    @Test func wildcardHostsMatchOneLabel() throws {
        let serving = try Self.ca.issueServingCertificate(hosts: ["*.edge.example.com"])
        #expect(serving.covers([.dns("node-1.edge.example.com")]))
        #expect(!serving.covers([.dns("a.b.edge.example.com")]))
        #expect(!serving.covers([.dns("edge.example.com")]))
    }

    @Test func certificateFromAnotherCAFailsVerification() async throws {
        let other = try CertificateAuthority.generate(commonName: "other-ca")
        let serving = try other.issueServingCertificate(hosts: [String]())
        #expect(!(await validate(serving.certificate, roots: [Self.ca.certificate], host: "localhost")))
        #expect(!Self.ca.signed(serving.certificate))
        #expect(await validate(serving.certificate, roots: [other.certificate], host: "localhost"))
    }

    @Test func expiredCertificateFailsVerification() async throws {
        let past = Date(timeIntervalSinceNow: -400 * 86_400)
        let serving = try Self.ca.issueServingCertificate(hosts: [String](), now: past)
        #expect(!serving.isValid(at: Date()))
        #expect(!(await validate(serving.certificate, roots: [Self.ca.certificate], host: "localhost")))
    }

    @Test func leafNeverOutlivesTheCA() throws {
        let shortCA = try CertificateAuthority.generate(validity: 30 * 86_400)
        let serving = try shortCA.issueServingCertificate(hosts: [String]())
        #expect(serving.certificate.notValidAfter == shortCA.certificate.notValidAfter)
    }

    @Test func invalidHostsAreRejected() {
        for host in ["", "under_score.example", "-leading.example", "spaces here", "a..b"] {
            #expect(throws: PKIError.self, "\(host)") { try ServingHost(parsing: host) }
        }
    }

    @Test func pemRoundTripsAndLoadsIntoNIOSSL() throws {
        let reloaded = try CertificateAuthority(certificatePEM: Self.ca.certificatePEM, privateKeyPEM: Self.ca.privateKeyPEM)
        #expect(reloaded.certificate == Self.ca.certificate)
        let serving = try reloaded.issueServingCertificate(hosts: [String]())
        #expect(Self.ca.signed(serving.certificate))

        for pem in [Self.ca.certificatePEM, serving.certificatePEM] {
            let nio = try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem)
            #expect(try Certificate(derEncoded: nio.toDERBytes()) == Certificate(pemEncoded: pem))
        }
        for pem in [Self.ca.privateKeyPEM, serving.privateKeyPEM] {
            _ = try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        }
        let parsed = try IssuedCertificate(certificatePEM: serving.certificatePEM, privateKeyPEM: serving.privateKeyPEM)
        #expect(parsed.certificate == serving.certificate)
    }

    @Test func sec1KeysAreAccepted() throws {
        let key = P256.Signing.PrivateKey()
        // SEC1 "EC PRIVATE KEY" as written by `openssl ecparam -genkey`.
        let sec1 = try SEC1PEM.encode(key)
        let name = try DistinguishedName { CommonName("sec1-ca") }
        let cert = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date(), notValidAfter: Date() + 86_400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) },
            issuerPrivateKey: .init(key)
        )
        let ca = try CertificateAuthority(certificatePEM: cert.serializeAsPEM().pemString, privateKeyPEM: sec1)
        _ = try ca.issueServingCertificate(hosts: [String]())
        _ = try NIOSSLPrivateKey(bytes: Array(sec1.utf8), format: .pem)
    }

    @Test func mismatchedKeyAndGarbageAreRejected() throws {
        let other = try CertificateAuthority.generate()
        let error = #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: Self.ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        #expect(error?.code == .invalidKey)
        let garbage = #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: "not pem", privateKeyPEM: other.privateKeyPEM)
        }
        #expect(garbage?.code == .invalidPEM)
        let leaf = try Self.ca.issueServingCertificate(hosts: [String]())
        let notCA = #expect(throws: PKIError.self) {
            try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
        #expect(notCA?.code == .certificate)
    }

    @Test func clientCertificateCarriesUserAndGroups() async throws {
        let client = try Self.ca.issueClientCertificate(user: "system:edgeai-cloud", groups: ["edgeai:controllers", "team a"])
        #expect(try client.certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        let user = try #require(UserInfo.from(certificate: client.certificate))
        #expect(user == UserInfo(name: "system:edgeai-cloud", uid: "", groups: ["edgeai:controllers", "team a"]))
        let nio = try NIOSSLCertificate(bytes: Array(client.certificatePEM.utf8), format: .pem)
        #expect(UserInfo.from(certificate: nio) == user)
        #expect(await validate(client.certificate, roots: [Self.ca.certificate]))
        // A serving certificate is not a user credential.
        let serving = try Self.ca.issueServingCertificate(hosts: [String]())
        #expect(UserInfo.from(certificate: serving.certificate) == nil)
        #expect(throws: PKIError.self) { try Self.ca.issueClientCertificate(user: "", groups: []) }
        #expect(throws: PKIError.self) { try Self.ca.issueClientCertificate(user: "u", groups: ["a,b"]) }
    }
}

/// SEC1 PEM of a P-256 key via the openssl-compatible DER swift-crypto emits for x963 + ECPrivateKey.
enum SEC1PEM {
    static func encode(_ key: P256.Signing.PrivateKey) throws -> String {
        // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] OID prime256v1, [1] BIT STRING pub }
        let priv = Array(key.rawRepresentation)
        let pub = Array(key.publicKey.x963Representation)
        var der: [UInt8] = [0x02, 0x01, 0x01, 0x04, UInt8(priv.count)] + priv
        der += [0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        der += [0xA1, UInt8(pub.count + 3), 0x03, UInt8(pub.count + 1), 0x00] + pub
        der = [0x30, UInt8(der.count)] + der
        let b64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN EC PRIVATE KEY-----\n\(b64)\n-----END EC PRIVATE KEY-----\n"
    }
}
