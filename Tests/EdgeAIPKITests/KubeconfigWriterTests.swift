import EdgeAITesting
import EdgeAIPKI
import Foundation
import Testing
import Yams

@Suite(.timeLimit(.minutes(5)))
struct KubeconfigWriterTests {
    static let ca = try! CertificateAuthority.generate()

    func load(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    func first(_ config: [String: Any], _ key: String) throws -> [String: Any] {
        let list = try #require(config[key] as? [[String: Any]])
        return try #require(list.first)
    }

    @Test func tokenKubeconfigHasTheFieldsKubectlReads() throws {
        let writer = KubeconfigWriter(
            server: KubeconfigWriter.serverURL(host: "127.0.0.1", port: 6443),
            certificateAuthorityPEM: Self.ca.certificatePEM,
            credential: .token("tok-123")
        )
        let config = try load(writer.render())
        #expect(config["apiVersion"] as? String == "v1")
        #expect(config["kind"] as? String == "Config")
        #expect(config["current-context"] as? String == "edgeai")
        let cluster = try first(config, "clusters")
        #expect(cluster["name"] as? String == "edgeai")
        let clusterBody = try #require(cluster["cluster"] as? [String: Any])
        #expect(clusterBody["server"] as? String == "https://127.0.0.1:6443")
        let caData = try #require(clusterBody["certificate-authority-data"] as? String)
        #expect(Data(base64Encoded: caData).map { String(decoding: $0, as: UTF8.self) } == Self.ca.certificatePEM)
        let user = try first(config, "users")
        #expect(user["name"] as? String == "admin")
        #expect((user["user"] as? [String: Any])?["token"] as? String == "tok-123")
        let context = try first(config, "contexts")
        #expect(context["name"] as? String == "edgeai")
        let contextBody = try #require(context["context"] as? [String: Any])
        #expect(contextBody["cluster"] as? String == "edgeai")
        #expect(contextBody["user"] as? String == "admin")
        #expect(contextBody["namespace"] as? String == "default")
    }

    @Test func clientCertificateKubeconfigCarriesCertificateAndKey() throws {
        let client = try Self.ca.issueClientCertificate(user: "alice", groups: ["devs"])
        let writer = KubeconfigWriter(
            server: KubeconfigWriter.serverURL(host: "::1", port: 8443),
            certificateAuthorityPEM: Self.ca.certificatePEM,
            credential: .clientCertificate(certificatePEM: client.certificatePEM, privateKeyPEM: client.privateKeyPEM),
            userName: "alice"
        )
        let config = try load(writer.render())
        let user = try #require(try first(config, "users")["user"] as? [String: Any])
        let cert = try #require(user["client-certificate-data"] as? String)
        let key = try #require(user["client-key-data"] as? String)
        #expect(Data(base64Encoded: cert).map { String(decoding: $0, as: UTF8.self) } == client.certificatePEM)
        #expect(Data(base64Encoded: key).map { String(decoding: $0, as: UTF8.self) } == client.privateKeyPEM)
        #expect(user["token"] == nil)
        let cluster = try #require(try first(config, "clusters")["cluster"] as? [String: Any])
        #expect(cluster["server"] as? String == "https://[::1]:8443")
    }

    @Test func hostileValuesCannotChangeTheStructure() throws {
        let nasty = "x\"\n  injected: true\\ #: yes\t\u{7}é"
        let writer = KubeconfigWriter(
            server: "https://h:1",
            certificateAuthorityPEM: "pem",
            credential: .token(nasty),
            clusterName: "yes",
            userName: nasty,
            contextName: "null",
            namespace: "- [a]: {b}"
        )
        let config = try load(writer.render())
        let user = try first(config, "users")
        #expect(user["name"] as? String == nasty)
        #expect((user["user"] as? [String: Any])?["token"] as? String == nasty)
        #expect(user.keys.sorted() == ["name", "user"])
        #expect(try first(config, "clusters")["name"] as? String == "yes")
        #expect(config["current-context"] as? String == "null")
        let context = try #require(try first(config, "contexts")["context"] as? [String: Any])
        #expect(context["namespace"] as? String == "- [a]: {b}")
    }

    @Test func writesAdminKubeconfigWithMode0600() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let creds = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        let path = try creds.writeAdminKubeconfig(port: 6443)
        #expect(path == tmp.path + "/kubeconfig")
        #expect(try TemporaryDirectory.mode(path) == 0o600)
        let config = try load(String(contentsOfFile: path, encoding: .utf8))
        let user = try first(config, "users")
        #expect((user["user"] as? [String: Any])?["token"] as? String == creds.adminToken)
    }

    @Test(.enabled(if: executableOnPath("kubectl") != nil, "kubectl not installed"))
    func kubectlAcceptsTheKubeconfig() throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let creds = try PKIBootstrap.ensure(dataDirectory: tmp.path)
        let path = try creds.writeAdminKubeconfig(port: 6443)
        let kubectl = try #require(executableOnPath("kubectl"))
        let (status, out, err) = try runProcess(
            kubectl,
            ["config", "view", "--kubeconfig", path, "--raw", "-o", "jsonpath={.clusters[0].cluster.server} {.users[0].user.token} {.contexts[0].context.namespace}"]
        )
        #expect(status == 0, "\(err)")
        #expect(out == "https://127.0.0.1:6443 \(creds.adminToken) default")
        let (minifyStatus, _, minifyErr) = try runProcess(kubectl, ["config", "view", "--kubeconfig", path, "--minify", "--flatten"])
        #expect(minifyStatus == 0, "\(minifyErr)")
    }
}
