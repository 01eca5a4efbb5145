import EdgeAICloudTesting
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle
import Testing

/// The shared in-process API server (``EmbeddedAPI``) with an admin kubeconfig written next to
/// it, for running the `edgeai` binary against.
final class CLICluster: Sendable {
    let api: EmbeddedAPI
    let kubeconfig: String
    var directory: TemporaryDirectory { api.directory }
    var credentials: ClusterCredentials { api.credentials }
    var port: Int { api.port }

    /// `prepare` may add tokens before the server loads them.
    init(prepare: (inout ClusterCredentials) throws -> Void = { _ in }) async throws {
        let directory = try TemporaryDirectory(prefix: "cli-test")
        var credentials = try PKIBootstrap.ensure(dataDirectory: directory.path + "/data", hosts: ["127.0.0.1", "localhost"])
        try prepare(&credentials)
        api = EmbeddedAPI(directory: directory, dataDirectory: directory.path + "/data", credentials: credentials)
        let port = try await api.start()
        kubeconfig = try credentials.writeAdminKubeconfig(port: port)
    }

    /// A client for checking what the CLI did.
    func client() throws -> KubeClient { try api.client() }

    /// Writes `text` to a file in the test directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.file(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs `edgeai ARGS` with `KUBECONFIG` pointing at this cluster (unless `environment` says otherwise).
    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil) async throws -> CLIResult {
        try await CLIProcess.run(
            arguments, stdin: stdin, environment: environment ?? ["KUBECONFIG": kubeconfig],
            workingDirectory: directory.path)
    }

    func stop() async { await api.remove() }
}

let namespaceType = ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false)

/// Runs `body` with a fresh cluster and an admin client, and tears both down afterwards.
func withCluster(_ body: (CLICluster, KubeClient) async throws -> Void) async throws {
    let cluster = try await CLICluster()
    let client: KubeClient
    do {
        client = try cluster.client()
    } catch {
        await cluster.stop()
        throw error
    }
    do {
        try await body(cluster, client)
    } catch {
        try? await client.shutdown()
        await cluster.stop()
        throw error
    }
    try await client.shutdown()
    await cluster.stop()
}

struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// The built `edgeai` binary run as a child process, its output captured in files (no pipe can
/// fill up and block it).
enum CLIProcess {
    /// `edgeai` beside the test bundle (the same build directory).
    static var binary: URL { builtExecutable("edgeai") }

    static func run(_ arguments: [String], stdin: String?, environment: [String: String], workingDirectory: String) async throws -> CLIResult {
        let running = try start(arguments, stdin: stdin, environment: environment, workingDirectory: workingDirectory)
        let status = await running.exit()
        return CLIResult(status: status, stdout: running.stdout(), stderr: running.stderr())
    }

    static func start(
        _ arguments: [String], stdin: String? = nil, environment: [String: String], workingDirectory: String, executable: URL? = nil
    ) throws -> RunningCLI {
        let id = UUID().uuidString.prefix(8)
        let out = URL(fileURLWithPath: workingDirectory).appendingPathComponent("out-\(id)")
        let err = URL(fileURLWithPath: workingDirectory).appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        var env = ["HOME": workingDirectory, "PATH": "/usr/bin:/bin"]
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdin {
            let input = URL(fileURLWithPath: workingDirectory).appendingPathComponent("in-\(id)")
            try stdin.write(to: input, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        try process.run()
        return RunningCLI(process: process, exits: exits, out: out, err: err)
    }
}

/// A started `edgeai` process (e.g. `get -w`) whose output tests read while it runs.
final class RunningCLI: @unchecked Sendable {
    let process: Process
    let exits: AsyncStream<Int32>
    let out: URL
    let err: URL

    init(process: Process, exits: AsyncStream<Int32>, out: URL, err: URL) {
        self.process = process
        self.exits = exits
        self.out = out
        self.err = err
    }

    func stdout() -> String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    func stderr() -> String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// Waits for the process to end and returns its exit status.
    func exit() async -> Int32 {
        for await status in exits { return status }
        return process.terminationStatus
    }

    /// Waits until standard output satisfies `condition`.
    func waitForOutput(_ what: String, timeout: Duration = .seconds(20), _ condition: @escaping (String) -> Bool) async throws {
        do {
            try await eventually(what, timeout: timeout) {
                if condition(self.stdout()) { return true }
                // A process that ended will not print it any more: say so now, not at the deadline.
                if !process.isRunning, !condition(self.stdout()) { throw TimedOut(what: "\(what) (the process exited first)") }
                return false
            }
        } catch let timedOut as TimedOut {
            // What the process said is what explains the wait.
            throw TimedOut(what: "\(timedOut.what)\n--- stdout:\n\(stdout().suffix(4000))\n--- stderr:\n\(stderr().suffix(4000))")
        }
    }

    /// Stops the process (SIGINT, as Ctrl-C) and waits for it.
    func interrupt() async -> Int32 {
        if process.isRunning { process.interrupt() }
        return await exit()
    }
}
