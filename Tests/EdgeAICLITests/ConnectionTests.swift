import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import KubeClient
import Testing

/// How the CLI finds its server, and the one-line errors when it cannot reach it or is refused.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ConnectionTests {
    @Test func connectionAndCredentialFailuresAreOneLine() async throws {
        try await withCluster { cluster, client in
            let kubeconfig = try String(contentsOfFile: cluster.kubeconfig, encoding: .utf8)

            let down = try cluster.file("down.kubeconfig", kubeconfig.replacingOccurrences(of: "127.0.0.1:\(cluster.port)", with: "127.0.0.1:1"))
            let refused = try await cluster.run(["get", "dset", "--kubeconfig", down])
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: cannot reach the API server at https://127.0.0.1:1: connection refused (is the server running?)\n", "\(refused)")
            let versionOnly = try await cluster.run(["version", "--kubeconfig", down])
            #expect(versionOnly.status == 0 && versionOnly.stdout == "Client Version: v0.1.0\n")
            #expect(versionOnly.stderr.contains("connection refused"))

            let badToken = try cluster.file("token.kubeconfig", kubeconfig.replacingOccurrences(of: cluster.credentials.adminToken, with: "wrong-token"))
            let unauthorized = try await cluster.run(["get", "dset", "--kubeconfig", badToken])
            #expect(unauthorized.status == 1)
            #expect(unauthorized.stderr.hasPrefix("error: the API server at https://127.0.0.1:\(cluster.port) rejected the credentials (401 Unauthorized)"))

            let other = try PKIBootstrap.ensure(dataDirectory: cluster.directory.path + "/other")
            let otherCA = try cluster.file("ca.kubeconfig", kubeconfig.replacingOccurrences(
                of: Data(cluster.credentials.certificateAuthority.certificatePEM.utf8).base64EncodedString(),
                with: Data(other.certificateAuthority.certificatePEM.utf8).base64EncodedString()))
            let untrusted = try await cluster.run(["get", "dset", "--kubeconfig", otherCA])
            #expect(untrusted.status == 1)
            #expect(untrusted.stderr.hasPrefix("error: cannot reach the API server at https://127.0.0.1:\(cluster.port): TLS verification failed"), "\(untrusted)")
            #expect(untrusted.stderr.split(separator: "\n").count == 1)

            let noConfig = try await cluster.run(["get", "dset"], environment: [:])
            #expect(noConfig.status == 1)
            #expect(noConfig.stderr.hasPrefix("error: no configuration"), "\(noConfig)")

            let noFile = try await cluster.run(["get", "dset", "--kubeconfig", "/nonexistent/kubeconfig"])
            #expect(noFile.status == 1 && noFile.stderr == "error: the kubeconfig /nonexistent/kubeconfig does not exist\n")

            let missingContext = try await cluster.run(["get", "dset", "--context", "nope"])
            #expect(missingContext.stderr == "error: context \"nope\" not found in kubeconfig\n")
        }
    }

    @Test func localKubeconfigIsUsedWhenNothingElseIsSet() async throws {
        try await withCluster { cluster, client in
            try FileManager.default.createDirectory(atPath: cluster.directory.path + "/.edgeai", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: cluster.kubeconfig, toPath: cluster.directory.path + "/.edgeai/kubeconfig")
            let local = try await cluster.run(["get", "dset"], environment: [:])
            #expect(local.status == 0 && local.stderr == "No resources found in default namespace.\n", "\(local)")
        }
    }
}
