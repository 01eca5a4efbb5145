import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import KubeClient
import Testing

/// `edgeai token rotate` with a real hub (`edgeai cloud`) and a real agent (`edgeai edge`) as
/// processes: the hub re-reads the key, the agent re-reads its token file, neither restarts, and
/// a refused token is one line on each side naming what to fix.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RotationTests {
    /// A cloud process, an agent process on `node`, their files.
    struct Fleet {
        let cluster: CLICluster
        let client: KubeClient
        let cloudData: String
        let tokenFile: String
        let cloud: RunningCLI
        let edge: RunningCLI

        /// `ca`: the CA file the agent is given (default: the hub's).
        static func start(_ cluster: CLICluster, client: KubeClient, ca: String? = nil) async throws -> Fleet {
            let root = cluster.directory.path
            let cloudData = root + "/cloud"
            let cloud = try CLIProcess.start(
                ["cloud", "--kubeconfig", cluster.kubeconfig, "--data-dir", cloudData, "--hub-address", "127.0.0.1", "--hub-port", "0"],
                environment: [:], workingDirectory: root)
            try await cloud.waitForOutput("the hub") { $0.contains("edge hub on wss://") }
            let port = try #require(cloud.stdout().split(separator: "\n").first { $0.contains("edge hub on") }
                .flatMap { $0.split(separator: "wss://127.0.0.1:").last?.split(separator: "/").first })
            let tokenFile = root + "/node/token"
            try FileManager.default.createDirectory(atPath: root + "/node/data", withIntermediateDirectories: true)
            try await provision(tokenFile, cloudData: cloudData, kubeconfig: cluster.kubeconfig, in: root)
            let edge = try CLIProcess.start(
                ["edge", "--node", "edge-1", "--token-file", tokenFile, "--ca", ca ?? cloudData + "/ca.crt", "--cloud", "wss://127.0.0.1:\(port)",
                 "--allow", root + "/node/data", "--data-dir", root + "/node/state", "--api-port", "0"],
                environment: [:], workingDirectory: root)
            return Fleet(cluster: cluster, client: client, cloudData: cloudData, tokenFile: tokenFile, cloud: cloud, edge: edge)
        }

        /// Writes the node's current token, as an operator does after `edgeai node add`.
        static func provision(_ tokenFile: String, cloudData: String, kubeconfig: String, in root: String) async throws {
            let created = try await CLIProcess.run(["token", "create", "--node", "edge-1", "--data-dir", cloudData, "--kubeconfig", kubeconfig], stdin: nil, environment: [:], workingDirectory: root)
            #expect(created.status == 0, "\(created)")
            try created.stdout.write(toFile: tokenFile + ".new", atomically: true, encoding: .utf8)
            #expect(rename(tokenFile + ".new", tokenFile) == 0)  // atomically, as `install` + `mv` do
        }

        /// A new dataset is counted: the agent is connected with a token the hub accepts now.
        func expectCounted(_ name: String) async throws {
            let root = cluster.directory.path
            try "x\n".write(toFile: root + "/node/data/\(name).txt", atomically: true, encoding: .utf8)
            let created = try await cluster.run(["create", "dataset", name, "--url", root + "/node/data/\(name).txt", "--format", "txt", "--node", "edge-1"])
            #expect(created.status == 0, "\(created)")
            try await eventually("dataset \(name) counted", timeout: .seconds(30)) {
                try await client.get(Dataset.self, namespace: "default", name: name).status?.numberOfSamples == 1
            }
        }

        func stop() async {
            _ = await edge.interrupt()
            _ = await cloud.interrupt()
        }
    }

    static func withFleet(ca: ((String) throws -> String)? = nil, _ body: (Fleet) async throws -> Void) async throws {
        try await withCluster { cluster, client in
            let fleet = try await Fleet.start(cluster, client: client, ca: ca?(cluster.directory.path))
            do {
                try await body(fleet)
            } catch {
                print("--- cloud\n\(fleet.cloud.stderr().suffix(3000))\n--- edge\n\(fleet.edge.stderr().suffix(3000))")
                await fleet.stop()
                throw error
            }
            await fleet.stop()
        }
    }

    /// Within the grace the old token still works: the hub restarts with the new key, the agent
    /// reconnects with its old token, then picks up the re-provisioned one by itself.
    @Test func rotationWithGraceKeepsNodesConnected() async throws {
        try await Self.withFleet { fleet in
            try await fleet.expectCounted("before")
            let oldToken = try String(contentsOfFile: fleet.tokenFile, encoding: .utf8)
            let rotated = try await CLIProcess.run(
                ["token", "rotate", "--data-dir", fleet.cloudData, "--grace", "1h"], stdin: nil, environment: [:], workingDirectory: fleet.cluster.directory.path)
            #expect(rotated.status == 0, "\(rotated)")
            #expect(rotated.stdout.contains("accepted until"))
            #expect(!rotated.stdout.contains(oldToken.trimmingCharacters(in: .whitespacesAndNewlines)))
            try await fleet.cloud.waitForOutput("the hub restarted with the retired key accepted") { $0.contains("retired cluster key") }
            try await fleet.expectCounted("during-grace")
            try await Fleet.provision(fleet.tokenFile, cloudData: fleet.cloudData, kubeconfig: fleet.cluster.kubeconfig, in: fleet.cluster.directory.path)
            #expect(try String(contentsOfFile: fleet.tokenFile, encoding: .utf8) != oldToken)
            try await eventually("the agent reloaded its token", timeout: .seconds(20)) { fleet.edge.stderr().contains("node token or CA changed") }
            try await fleet.expectCounted("after")
        }
    }

    /// Without grace the old token is refused at once: one line on each side says what to fix,
    /// and writing the new token reconnects the agent without a restart.
    @Test func refusedTokenIsNamedAndANewTokenReconnects() async throws {
        try await Self.withFleet { fleet in
            try await fleet.expectCounted("before")
            let rotated = try await CLIProcess.run(
                ["token", "rotate", "--data-dir", fleet.cloudData, "--grace", "0"], stdin: nil, environment: [:], workingDirectory: fleet.cluster.directory.path)
            #expect(rotated.status == 0, "\(rotated)")
            try await eventually("the agent names its token file", timeout: .seconds(30)) {
                fleet.edge.stderr().contains("wrong node token (fix \(fleet.tokenFile)")
            }
            try await eventually("the hub says why it refused", timeout: .seconds(30)) {
                fleet.cloud.stderr().contains("edge connection refused: missing or invalid node token")
            }
            #expect(!fleet.cloud.stderr().contains("Error handling upgrade result"), "the WebSocket library's error leaked")
            #expect(fleet.edge.process.isRunning && fleet.cloud.process.isRunning)
            try await Fleet.provision(fleet.tokenFile, cloudData: fleet.cloudData, kubeconfig: fleet.cluster.kubeconfig, in: fleet.cluster.directory.path)
            try await fleet.expectCounted("after")
            let key = try String(contentsOfFile: fleet.cloudData + "/cluster.key", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!fleet.cloud.stderr().contains(key) && !fleet.edge.stderr().contains(key), "a key was logged")
        }
    }

    /// An agent given another cluster's CA says once which file to fix, and keeps retrying; the
    /// hub says once that the node does not trust it and which file that is.
    @Test func aWrongCAIsNamedOnce() async throws {
        var otherCA = ""
        try await Self.withFleet(ca: { root in
            otherCA = try PKIBootstrap.ensure(dataDirectory: root + "/other").paths.caCertificate
            return otherCA
        }) { fleet in
            try await eventually("the agent names its CA file", timeout: .seconds(30)) {
                fleet.edge.stderr().contains("does not verify against \(otherCA)")
            }
            #expect(fleet.edge.process.isRunning)
            let lines = fleet.edge.stderr().split(separator: "\n").filter { $0.contains("does not verify against") }
            #expect(lines.count == 1, "logged more than once: \(lines)")
            try await eventually("the hub names the node's CA file", timeout: .seconds(30)) {
                fleet.cloud.stderr().contains("does not trust this hub's certificate; fix the node's CA file (`edgeai edge --ca`)")
            }
            let hubLines = fleet.cloud.stderr().split(separator: "\n").filter { $0.contains("does not trust this hub") }
            #expect(hubLines.count == 1, "the hub logged it more than once: \(hubLines)")
            #expect(!fleet.cloud.stderr().contains("handshakeFailed"), "the TLS library's error leaked into the hub's log")
        }
    }
}
