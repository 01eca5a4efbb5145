import EdgeAIAPI
import EdgeAITesting
import Foundation
import Testing

@testable import KubeClient

@Suite(.timeLimit(.minutes(5)))
struct KubeConfigTests {
    static let first = """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev
          cluster:
            server: https://10.0.0.1:6443
            certificate-authority: certs/ca.crt
            tls-server-name: api.dev
        - name: shared
          cluster:
            server: https://first.example:6443
            insecure-skip-tls-verify: true
        users:
        - name: alice
          user:
            token: first-token
        - name: plugin
          user:
            exec:
              command: aws
        - name: provider
          user:
            auth-provider:
              name: gcp
        contexts:
        - name: dev
          context: {cluster: dev, user: alice, namespace: team-a}
        - name: broken
          context: {cluster: dev, user: plugin}
        - name: gcp
          context: {cluster: dev, user: provider}
        """
    static let second = """
        current-context: other
        clusters:
        - name: shared
          cluster:
            server: https://second.example:6443
        - name: prod
          cluster:
            server: https://prod.example
            certificate-authority-data: \(Data("PROD-CA".utf8).base64EncodedString())
        users:
        - name: alice
          user:
            token: second-token
        - name: bob
          user:
            tokenFile: bob.token
        - name: carol
          user:
            username: carol
            password: secret
        - name: dave
          user:
            client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
            client-key: keys/dave.key
        contexts:
        - name: prod
          context: {cluster: prod, user: bob}
        - name: basic
          context: {cluster: shared, user: carol}
        - name: cert
          context: {cluster: prod, user: dave}
        """

    func writeFiles(_ dir: TemporaryDirectory) throws -> (String, String) {
        try FileManager.default.createDirectory(at: dir.file("a/certs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.file("b/keys"), withIntermediateDirectories: true)
        try Self.first.write(to: dir.file("a/config"), atomically: true, encoding: .utf8)
        try Self.second.write(to: dir.file("b/config"), atomically: true, encoding: .utf8)
        try "CA-PEM".write(to: dir.file("a/certs/ca.crt"), atomically: true, encoding: .utf8)
        try "KEY".write(to: dir.file("b/keys/dave.key"), atomically: true, encoding: .utf8)
        try "bob-token\n".write(to: dir.file("b/bob.token"), atomically: true, encoding: .utf8)
        return (dir.file("a/config").path, dir.file("b/config").path)
    }

    @Test func mergesKubeconfigFilesFirstWins() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (a, b) = try writeFiles(dir)
        let config = try KubeConfig.load(environment: ["KUBECONFIG": "\(a)::\(b):/does/not/exist"])
        // current-context and alice come from the first file.
        #expect(config.contextName == "dev")
        #expect(config.server == "https://10.0.0.1:6443")
        #expect(config.namespace == "team-a")
        #expect(config.credentials == .token("first-token"))
        #expect(config.tlsServerName == "api.dev")
        // Relative certificate-authority resolved against the first file's directory.
        #expect(config.certificateAuthorityPEM == Array("CA-PEM".utf8))
        let merged = try KubeConfigFile.load(kubeconfigVariable: "\(a):\(b)")
        #expect(merged.clusters["shared"]?.server == "https://first.example:6443")
        #expect(merged.clusters["prod"]?.server == "https://prod.example")
        let reversed = try KubeConfigFile.load(kubeconfigVariable: "\(b):\(a)")
        #expect(reversed.currentContext == "other")
        #expect(reversed.users["alice"]?.token == "second-token")
    }

    @Test func contextOverrideAndCredentialKinds() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (a, b) = try writeFiles(dir)
        let env = ["KUBECONFIG": "\(a):\(b)"]
        let prod = try KubeConfig.load(context: "prod", environment: env)
        #expect(prod.server == "https://prod.example")
        #expect(prod.namespace == "default")
        #expect(prod.certificateAuthorityPEM == Array("PROD-CA".utf8))
        #expect(prod.credentials == .tokenFile(dir.file("b/bob.token").path))
        let basic = try KubeConfig.load(context: "basic", environment: env)
        #expect(basic.credentials == .basic(username: "carol", password: "secret"))
        #expect(basic.insecureSkipTLSVerify)
        let cert = try KubeConfig.load(context: "cert", environment: env)
        #expect(cert.clientCertificatePEM == Array("CERT".utf8))
        #expect(cert.clientKeyPEM == Array("KEY".utf8))
    }

    @Test func pluginUsersAreRefusedByName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (a, _) = try writeFiles(dir)
        let error = #expect(throws: KubeConfigError.self) { try KubeConfig.load(context: "broken", environment: ["KUBECONFIG": a]) }
        #expect(error?.message.contains("user \"plugin\"") == true)
        #expect(error?.message.contains("exec") == true)
        #expect(error?.message.contains("not supported") == true)
        let provider = #expect(throws: KubeConfigError.self) { try KubeConfig.load(context: "gcp", environment: ["KUBECONFIG": a]) }
        #expect(provider?.message.contains("user \"provider\" uses an auth-provider") == true)
    }

    @Test func missingPiecesAreNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (a, _) = try writeFiles(dir)
        let noContext = #expect(throws: KubeConfigError.self) { try KubeConfig.load(context: "nope", environment: ["KUBECONFIG": a]) }
        #expect(noContext?.message == "context \"nope\" not found in kubeconfig")
        let noFile = #expect(throws: KubeConfigError.self) { try KubeConfig.load(environment: ["KUBECONFIG": dir.file("none").path]) }
        #expect(noFile?.message.contains("none of the KUBECONFIG files exists") == true)
        let bad = #expect(throws: KubeConfigError.self) {
            try KubeConfigFile(yaml: "clusters:\n- name: x\n  cluster: {}\n", directory: "/", source: "f.yaml")
        }
        #expect(bad?.message == "f.yaml: cluster \"x\" has no server")
    }

    @Test func homeKubeconfigIsTheDefault() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(at: dir.file(".kube"), withIntermediateDirectories: true)
        try Self.first.write(to: dir.file(".kube/config"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.file(".kube/certs"), withIntermediateDirectories: true)
        try "CA".write(to: dir.file(".kube/certs/ca.crt"), atomically: true, encoding: .utf8)
        let config = try KubeConfig.load(environment: ["HOME": dir.path])
        #expect(config.contextName == "dev")
        #expect(config.certificateAuthorityPEM == Array("CA".utf8))
    }

    @Test func inClusterReadsServiceAccountAndRereadsRotatedToken() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try "token-1".write(to: dir.file("token"), atomically: true, encoding: .utf8)
        try "CA".write(to: dir.file("ca.crt"), atomically: true, encoding: .utf8)
        try "edge-system\n".write(to: dir.file("namespace"), atomically: true, encoding: .utf8)
        let env = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443", "HOME": dir.file("nohome").path]
        let config = try KubeConfig.load(environment: env, serviceAccountDirectory: dir.path)
        #expect(config.server == "https://[fd00::1]:443")
        #expect(config.namespace == "edge-system")
        #expect(config.certificateAuthorityPEM == Array("CA".utf8))
        #expect(config.credentials == .tokenFile(dir.file("token").path))

        let source = TokenSource(credentials: config.credentials, refreshInterval: .seconds(3600))
        #expect(try source.token() == "token-1")
        try "token-2".write(to: dir.file("token"), atomically: true, encoding: .utf8)
        #expect(try source.token() == "token-1", "cached within the refresh interval")
        #expect(try source.token(forceReread: true) == "token-2", "re-read after a 401")
        let eager = TokenSource(credentials: config.credentials, refreshInterval: .zero)
        #expect(try eager.token() == "token-2")
        try "token-3".write(to: dir.file("token"), atomically: true, encoding: .utf8)
        #expect(try eager.token() == "token-3")
    }

    @Test func inClusterNeedsEnvironmentAndToken() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: KubeConfigError.self) { try KubeConfig.inCluster(environment: [:], serviceAccountDirectory: dir.path) }
        let error = #expect(throws: KubeConfigError.self) {
            try KubeConfig.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: dir.path)
        }
        #expect(error?.message.contains("service account token") == true)
    }

    @Test func clientRejectsBadPEMAndURLs() throws {
        #expect(throws: KubeConfigError.self) { _ = try KubeClient(config: KubeConfig(server: "ftp://x")) }
        let badCA = #expect(throws: KubeConfigError.self) {
            _ = try KubeClient(config: KubeConfig(server: "https://127.0.0.1:1", certificateAuthorityPEM: Array("junk".utf8)))
        }
        #expect(badCA?.message.contains("certificate authority") == true)
    }
}
