import EdgeAITesting
import EdgeAIPKI
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct OpenSSLInteropTests {
    @Test(.enabled(if: executableOnPath("openssl") != nil, "openssl not installed"))
    func opensslVerifiesServingAndClientChains() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let creds = try PKIBootstrap.ensure(dataDirectory: tmp.path, hosts: ["edge.example.com"])
        let openssl = try #require(executableOnPath("openssl"))
        let p = creds.paths
        let (status, out, err) = try runProcess(
            openssl, ["verify", "-CAfile", p.caCertificate, "-purpose", "sslserver", "-verify_hostname", "edge.example.com", p.servingCertificate]
        )
        #expect(status == 0, "\(out) \(err)")
        let (ipStatus, ipOut, ipErr) = try runProcess(
            openssl, ["verify", "-CAfile", p.caCertificate, "-purpose", "sslserver", "-verify_ip", "::1", p.servingCertificate]
        )
        #expect(ipStatus == 0, "\(ipOut) \(ipErr)")
        let (badStatus, _, _) = try runProcess(
            openssl, ["verify", "-CAfile", p.caCertificate, "-verify_hostname", "other.example.com", p.servingCertificate]
        )
        #expect(badStatus != 0)

        let client = try creds.certificateAuthority.issueClientCertificate(user: "alice", groups: ["devs", "ops"])
        let clientPath = tmp.path + "/alice.crt"
        try client.certificatePEM.write(toFile: clientPath, atomically: true, encoding: .utf8)
        let (clientStatus, clientOut, clientErr) = try runProcess(
            openssl, ["verify", "-CAfile", p.caCertificate, "-purpose", "sslclient", clientPath]
        )
        #expect(clientStatus == 0, "\(clientOut) \(clientErr)")
        let (_, subject, _) = try runProcess(openssl, ["x509", "-in", clientPath, "-noout", "-subject", "-nameopt", "RFC2253"])
        #expect(subject.contains("CN=alice") && subject.contains("O=devs") && subject.contains("O=ops"))
        // openssl reads our PKCS#8 keys too.
        let (keyStatus, _, keyErr) = try runProcess(openssl, ["pkey", "-in", p.caKey, "-noout"])
        #expect(keyStatus == 0, "\(keyErr)")
    }
}
