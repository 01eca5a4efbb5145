import EdgeAITesting
import Foundation
import Testing

/// `edgeai up` as a user runs it: the real binary, everything in one process, the agent talking
/// to the hub over its authenticated WebSocket.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct UpCommandTests {
    static let upArguments = ["up", "--demo", "--port", "0", "--hub-port", "0", "--agent-port", "0", "--ui-port", "0"]

    /// The demo shows the count arrive and change; the running system keeps counting appends made
    /// by anyone; the CLI finds it through `./.edgeai/kubeconfig`; Ctrl-C stops it cleanly; a
    /// second `up` reuses the state and continues from the same files.
    @Test func demoLoopAndRestartOnTheSameState() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let index = directory.path + "/.edgeai/demo/data/index.txt"

        let first = try CLIProcess.start(Self.upArguments, environment: [:], workingDirectory: directory.path)
        try await first.waitForOutput("the demo's second count", timeout: .seconds(120)) { $0.contains("demo: done") }
        let shown = first.stdout()
        #expect(shown.contains("edgeai up: running"))
        #expect(shown.contains("export KUBECONFIG=\(directory.path)/.edgeai/kubeconfig"))
        #expect(shown.contains("edgeai edge --node edge1 --token \"$(edgeai token create --node edge1 --data-dir \(directory.path)/.edgeai)\""))
        // The agent is registered like any node: its EdgeNode carries the generation of its token.
        func generation(_ node: String) async throws -> Int? {
            let result = try await CLIProcess.run(["get", "edgenode", node, "-o", "json"], stdin: nil, environment: [:], workingDirectory: directory.path)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (object?["spec"] as? [String: Any])?["tokenGeneration"] as? Int
        }
        let ownGeneration = try #require(try await generation("edge0"))
        // The banner's `token create` registers a second node the same way.
        let joined = try await CLIProcess.run(
            ["token", "create", "--node", "edge1", "--data-dir", directory.path + "/.edgeai"], stdin: nil, environment: [:], workingDirectory: directory.path)
        #expect(joined.status == 0, "\(joined)")
        let edge1 = try #require(try await generation("edge1"))
        #expect(joined.stdout.hasPrefix("edge1.g\(edge1)."), "\(joined)")
        #expect(shown.contains("dataset-examp NUMBEROFSAMPLES=100,"))
        #expect(shown.contains("dataset-examp NUMBEROFSAMPLES=120,"))

        // Someone else appends: the agent sees it and the API shows it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: index))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("a.jpg 0\n\nb.jpg 1\nc.jpg 1\nd.jpg 0\ne.jpg 1".utf8))
        try handle.close()
        try await eventually("the append counted", timeout: .seconds(60)) {
            let result = try await CLIProcess.run(
                ["get", "dataset", "dataset-examp", "-o", "json"], stdin: nil, environment: [:], workingDirectory: directory.path)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (object?["status"] as? [String: Any])?["numberOfSamples"] as? Int == 125
        }
        let table = try await CLIProcess.run(["get", "datasets"], stdin: nil, environment: [:], workingDirectory: directory.path)
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.contains("dataset-examp") && table.stdout.contains("125") && table.stdout.contains("edge0"), "\(table)")

        #expect(await first.interrupt() == 0, "\(first.stderr())")
        #expect(first.stdout().contains("edgeai up: stopped"))

        // Same directory again: the same CA and store, the same files; counting continues.
        let second = try CLIProcess.start(Self.upArguments, environment: [:], workingDirectory: directory.path)
        try await second.waitForOutput("the demo on the kept state", timeout: .seconds(120)) { $0.contains("demo: done") }
        #expect(second.stdout().contains("dataset-examp NUMBEROFSAMPLES=125,"), "\(second.stdout())")
        #expect(second.stdout().contains("dataset-examp NUMBEROFSAMPLES=145,"), "\(second.stdout())")
        // Each `up` registers its agent afresh: the run before's token is refused from now on.
        #expect(try #require(try await generation("edge0")) > ownGeneration)
        #expect(await second.interrupt() == 0, "\(second.stderr())")
    }

    /// A port already taken: one clear line, non-zero exit, nothing left running.
    @Test func busyPortIsAClearError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try CLIProcess.start(Self.upArguments, environment: [:], workingDirectory: directory.path)
        try await first.waitForOutput("first up running", timeout: .seconds(120)) { $0.contains("edgeai up: running") }
        let banner = first.stdout()
        let port = try #require(
            banner.split(separator: "\n").first { $0.contains("API server   https://") }.flatMap { $0.split(separator: ":").dropFirst(2).first?.prefix { $0.isNumber } },
            "\(banner)")
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let clash = try await CLIProcess.run(
            ["up", "--port", String(port), "--hub-port", "0", "--agent-port", "0", "--ui-port", "0"], stdin: nil, environment: [:],
            workingDirectory: other.path)
        #expect(clash.status != 0, "\(clash)")
        #expect(
            clash.stderr == "edgeai up: port \(port) (the API server, --port) is already in use on 127.0.0.1; is another edgeai "
                + "running? Stop it, or choose another port (0 picks a free one).\n", "\(clash)")
        #expect(clash.stdout.isEmpty, "nothing started: \(clash)")
        // The same for the embedded server alone.
        let server = try await CLIProcess.run(
            ["server", "--data-dir", other.path + "/server", "--port", String(port), "--hub-port", "0"], stdin: nil, environment: [:],
            workingDirectory: other.path)
        #expect(server.status != 0, "\(server)")
        #expect(server.stderr.hasPrefix("edgeai server: port \(port) (the API server, --port) is already in use"), "\(server)")
        #expect(await first.interrupt() == 0)
    }
}
