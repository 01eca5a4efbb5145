import EdgeAIAPI
import EdgeAITesting
import Foundation
import Glibc
import KubeClient
import Testing

/// An EdgeNode through a real hub (`edgeai cloud`) and a real agent (`edgeai edge`) as
/// processes: the agent SIGKILLed goes Offline after the grace period and its Dataset says its
/// node is unreachable; restarted, it is Online again and the condition is gone.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct NodeProcessTests {
    @Test func aKilledAgentGoesOfflineAndComesBack() async throws {
        try await withCluster { cluster, client in
            let root = cluster.directory.path
            let cloudData = root + "/cloud"
            let cloud = try CLIProcess.start(
                ["cloud", "--kubeconfig", cluster.kubeconfig, "--data-dir", cloudData, "--hub-address", "127.0.0.1", "--hub-port", "0",
                 "--node-offline-grace", "1"],
                environment: [:], workingDirectory: root)
            var running = [cloud]
            do {
                try await cloud.waitForOutput("the hub") { $0.contains("edge hub on wss://") }
                let port = try #require(cloud.stdout().split(separator: "\n").first { $0.contains("edge hub on") }
                    .flatMap { $0.split(separator: "wss://127.0.0.1:").last?.split(separator: "/").first })
                try FileManager.default.createDirectory(atPath: root + "/node/data", withIntermediateDirectories: true)
                let token = try await CLIProcess.run(
                    ["token", "create", "--node", "edge-1", "--data-dir", cloudData, "--kubeconfig", cluster.kubeconfig], stdin: nil, environment: [:], workingDirectory: root)
                try token.stdout.write(toFile: root + "/node/token", atomically: true, encoding: .utf8)
                let edgeArguments = [
                    "edge", "--node", "edge-1", "--token-file", root + "/node/token", "--ca", cloudData + "/ca.crt", "--cloud",
                    "wss://127.0.0.1:\(port)", "--allow", root + "/node/data", "--data-dir", root + "/node/state", "--api-port", "0",
                ]
                let edge = try CLIProcess.start(edgeArguments, environment: [:], workingDirectory: root)
                running.append(edge)
                try "x\ny\n".write(toFile: root + "/node/data/d.txt", atomically: true, encoding: .utf8)
                let created = try await cluster.run(["create", "dataset", "d", "--url", root + "/node/data/d.txt", "--format", "txt", "--node", "edge-1"])
                #expect(created.status == 0, "\(created)")
                try await eventually("edge-1 Online holding d", timeout: .seconds(30)) {
                    let node = try? await client.get(EdgeNode.self, name: "edge-1")
                    return node?.status?.phase == "Online" && node?.status?.datasets == 1
                }

                _ = Glibc.kill(edge.process.processIdentifier, SIGKILL)
                _ = await edge.exit()
                try await eventually("edge-1 Offline after the grace period", timeout: .seconds(60)) {
                    try await client.get(EdgeNode.self, name: "edge-1").status?.phase == "Offline"
                }
                try await eventually("d says its node is offline", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "d").status?.conditions?[type: "NodeReachable"]?.reason == "NodeOffline"
                }
                let listed = try await cluster.run(["get", "nodes"])
                #expect(listed.stdout.contains("edge-1") && listed.stdout.contains("Offline"), "\(listed)")
                let wide = try await cluster.run(["get", "datasets", "-o", "wide"])
                #expect(wide.stdout.contains("NodeOffline"), "\(wide)")

                let again = try CLIProcess.start(edgeArguments, environment: [:], workingDirectory: root)
                running.append(again)
                try await eventually("edge-1 Online again", timeout: .seconds(30)) {
                    try await client.get(EdgeNode.self, name: "edge-1").status?.phase == "Online"
                }
                try await eventually("d reachable again", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "d").status?.conditions?[type: "NodeReachable"] == nil
                }
            } catch {
                for process in running { print("--- \(process.process.arguments?.first ?? "")\n\(process.stderr().suffix(3000))") }
                for process in running { _ = await process.interrupt() }
                throw error
            }
            for process in running { _ = await process.interrupt() }
        }
    }
}
