import EdgeAIAPI
import EdgeAITesting
import Foundation
import KubeClient
import Testing

/// `edgeai server` as a real process: SIGTERM with an open watch and an idle keep-alive
/// connection exits at once (it took 10 s when closing connections waited for the clients'
/// TLS close_notify).
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServerStopTests {
    @Test func sigtermWithAnOpenWatchExitsAtOnce() async throws {
        let directory = try TemporaryDirectory(prefix: "server-stop")
        defer { directory.remove() }
        let server = try CLIProcess.start(
            ["server", "--data-dir", directory.path + "/data", "--port", "0", "--hub-port", "0"], environment: [:],
            workingDirectory: directory.path)
        try await server.waitForOutput("the API server and the hub listening", timeout: .seconds(60)) {
            $0.contains("edgeai server listening on") && $0.contains("edge hub listening on")
        }
        let line = server.stdout().split(separator: "\n").first { $0.contains("edgeai server listening on") } ?? ""
        let kubeconfig = String(line.split(separator: "KUBECONFIG=").last ?? "")
        let client = try KubeClient(config: KubeConfig.resolve(KubeConfigFile.load(kubeconfigVariable: kubeconfig)))
        let watch = try await client.watch(Dataset.self, namespace: "default")
        _ = try await client.list(Dataset.self)  // leaves a keep-alive connection idle in the pool
        let clock = ContinuousClock()
        let start = clock.now
        kill(server.process.processIdentifier, SIGTERM)
        let status = await server.exit()
        let elapsed = clock.now - start
        #expect(status == 0, "\(server.stderr())")
        // Closing used to wait 10 s for close_notify; a loaded machine may take a few seconds.
        #expect(elapsed < .seconds(8), "exit took \(elapsed)")
        do {
            for try await _ in watch {}
        } catch {}  // the server's end of the watch is gone either way
        try await client.shutdown()
    }
}
