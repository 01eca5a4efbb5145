import EdgeAITesting
import EdgeAIPKI
import Foundation
import Testing
import X509

@Suite(.timeLimit(.minutes(5)))
struct PKIBootstrapTests {
    @Test func firstStartCreatesEverythingWithTightPermissions() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let dir = tmp.path + "/data/edgeai"
        let creds = try PKIBootstrap.ensure(dataDirectory: dir, hosts: ["edge.example.com", "192.168.1.10"])
        let p = creds.paths
        #expect(try TemporaryDirectory.mode(dir) == 0o700)
        #expect(try TemporaryDirectory.mode(p.caKey) == 0o600)
        #expect(try TemporaryDirectory.mode(p.servingKey) == 0o600)
        #expect(try TemporaryDirectory.mode(p.clusterSecret) == 0o600)
        #expect(try TemporaryDirectory.mode(p.tokenFile) == 0o600)
        #expect(try TemporaryDirectory.mode(p.caCertificate) == 0o644)
        #expect(try TemporaryDirectory.mode(p.servingCertificate) == 0o644)

        #expect(creds.certificateAuthority.signed(creds.servingCertificate.certificate))
        #expect(try creds.servingCertificate.covers(["localhost", "127.0.0.1", "::1", "edge.example.com", "192.168.1.10"].map(ServingHost.init(parsing:))))
        #expect(creds.tokens.authenticate(bearerToken: creds.adminToken) == UserInfo(name: "admin", uid: "admin", groups: ["system:masters"]))
        let secretText = try String(contentsOfFile: p.clusterSecret, encoding: .utf8)
        #expect(Data(base64Encoded: secretText.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
        let tokenFile = try String(contentsOfFile: p.tokenFile, encoding: .utf8)
        #expect(tokenFile == "\(creds.adminToken),admin,admin,system:masters\n")
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names == [".lock", "ca.crt", "ca.key", "cluster.key", "server.crt", "server.key", "tokens.csv"])
    }

    @Test func laterStartsReuseTheSameMaterial() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let first = try PKIBootstrap.ensure(dataDirectory: tmp.path, hosts: ["edge.example.com"])
        let second = try PKIBootstrap.ensure(dataDirectory: URL(fileURLWithPath: tmp.path), hosts: ["edge.example.com"])
        #expect(second.certificateAuthority.certificatePEM == first.certificateAuthority.certificatePEM)
        #expect(second.certificateAuthority.privateKeyPEM == first.certificateAuthority.privateKeyPEM)
        #expect(second.servingCertificate.certificatePEM == first.servingCertificate.certificatePEM)
        #expect(second.adminToken == first.adminToken)
        #expect(second.clusterSecret.base64 == first.clusterSecret.base64)
        #expect(try second.nodeToken(for: "edge-1") == first.nodeToken(for: "edge-1"))
        #expect(try TemporaryDirectory.mode(second.paths.caKey) == 0o600)
        #expect(try TemporaryDirectory.mode(second.paths.tokenFile) == 0o600)
    }

    @Test func newHostReissuesOnlyTheServingCertificateKeepingOldNames() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let first = try PKIBootstrap.ensure(dataDirectory: tmp.path, hosts: ["a.example.com"])
        let second = try PKIBootstrap.ensure(dataDirectory: tmp.path, hosts: ["10.0.0.7"])
        #expect(second.certificateAuthority.certificatePEM == first.certificateAuthority.certificatePEM)
        #expect(second.servingCertificate.certificatePEM != first.servingCertificate.certificatePEM)
        #expect(second.certificateAuthority.signed(second.servingCertificate.certificate))
        #expect(try second.servingCertificate.covers([ServingHost(parsing: "10.0.0.7"), .dns("a.example.com"), .dns("localhost")]))
        // A subset of covered hosts changes nothing.
        let third = try PKIBootstrap.ensure(dataDirectory: tmp.path, hosts: ["a.example.com"])
        #expect(third.servingCertificate.certificatePEM == second.servingCertificate.certificatePEM)
    }

    @Test func expiringOrMissingServingCertificateIsReissued() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let first = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        let later = Date(timeIntervalSinceNow: 350 * 86_400)  // within the 30-day renewal window
        let renewed = try PKIBootstrap.ensure(dataDirectory: tmp.path, now: later)
        #expect(renewed.servingCertificate.certificatePEM != first.servingCertificate.certificatePEM)
        #expect(renewed.servingCertificate.isValid(at: later + 300 * 86_400))
        #expect(renewed.adminToken == first.adminToken)

        try FileManager.default.removeItem(atPath: renewed.paths.servingCertificate)
        let recreated = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        #expect(recreated.servingCertificate.certificatePEM != renewed.servingCertificate.certificatePEM)
        #expect(recreated.certificateAuthority.certificatePEM == first.certificateAuthority.certificatePEM)

        // A serving certificate from another CA (e.g. copied from elsewhere) is replaced.
        let foreign = try CertificateAuthority.generate().issueServingCertificate(hosts: [String]())
        try foreign.certificatePEM.write(toFile: recreated.paths.servingCertificate, atomically: true, encoding: .utf8)
        try foreign.privateKeyPEM.write(toFile: recreated.paths.servingKey, atomically: true, encoding: .utf8)
        let fixed = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        #expect(fixed.certificateAuthority.signed(fixed.servingCertificate.certificate))
    }

    @Test func caCertificateWithoutKeyIsAnErrorNotANewCA() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let first = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        try FileManager.default.removeItem(atPath: first.paths.caKey)
        let error = #expect(throws: PKIError.self) { try PKIBootstrap.ensure(dataDirectory: tmp.path) }
        #expect(error?.code == .missingFile)
        #expect(error?.message.contains("ca.key") == true)
        #expect(try String(contentsOfFile: first.paths.caCertificate, encoding: .utf8) == first.certificateAuthority.certificatePEM)
    }

    @Test func corruptFilesAreReportedByName() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let first = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        try "only,two\n".write(toFile: first.paths.tokenFile, atomically: true, encoding: .utf8)
        let tokenError = #expect(throws: PKIError.self) { try PKIBootstrap.ensure(dataDirectory: tmp.path) }
        #expect(tokenError?.code == .invalidTokenFile)
        #expect(tokenError?.message.contains("tokens.csv") == true)
        #expect(tokenError?.message.contains("line 1") == true)

        try "\(first.adminToken),admin,admin,system:masters\n".write(toFile: first.paths.tokenFile, atomically: true, encoding: .utf8)
        try "c2hvcnQ=\n".write(toFile: first.paths.clusterSecret, atomically: true, encoding: .utf8)
        let secretError = #expect(throws: PKIError.self) { try PKIBootstrap.ensure(dataDirectory: tmp.path) }
        #expect(secretError?.code == .invalidSecret)
        #expect(secretError?.message.contains("cluster.key") == true)
    }

    @Test func ensureTokenIsIdempotentAndPersisted() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        var creds = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        let token = try creds.ensureToken(user: "system:edgeai-cloud", groups: ["edgeai:controllers"])
        #expect(try creds.ensureToken(user: "system:edgeai-cloud", groups: ["edgeai:controllers"]) == token)
        #expect(creds.tokens.authenticate(bearerToken: token)?.name == "system:edgeai-cloud")
        let reloaded = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        #expect(reloaded.tokens.authenticate(bearerToken: token) == UserInfo(name: "system:edgeai-cloud", uid: "system:edgeai-cloud", groups: ["edgeai:controllers"]))
        #expect(reloaded.tokens.authenticate(bearerToken: creds.adminToken)?.name == "admin")
        #expect(try TemporaryDirectory.mode(reloaded.paths.tokenFile) == 0o600)
    }

    @Test func concurrentBootstrapsAgreeOnOneCA() async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let path = tmp.path + "/fresh"
        let pems = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask { try PKIBootstrap.ensure(dataDirectory: path).certificateAuthority.certificatePEM }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(pems.count == 1)
    }

    @Test func invalidHostIsRejectedBeforeTouchingTheDisk() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let dir = tmp.path + "/never"
        #expect(throws: PKIError.self) { try PKIBootstrap.ensure(dataDirectory: dir, hosts: ["bad host"]) }
        #expect(!FileManager.default.fileExists(atPath: dir))
    }
}
