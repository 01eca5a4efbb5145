import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
@testable import EdgeAgent
import EdgeSync
import Foundation
import HubClient
import KubeClient
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` of the agent during a burst of file changes: after a restart and reconnect, the
/// cloud's Dataset status (and the agent's API) is the file's true final count. The agent killed
/// is `edgeai-crash-child agent DIR`, which prints `READY` once listening and `REPORT <samples>`
/// for every report it made durable.
@Suite(.timeLimit(.minutes(8)))
struct CrashRecoveryTests {
    static func configuration(_ directory: String) -> EdgeAgent.Configuration {
        EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory + "/agent", allow: [directory + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
    }

    /// Output lines of the child, collected on a thread.
    final class ChildOutput: Sendable {
        let lines = Mutex<[String]>([])
        var reports: [Int] { lines.withLock { $0.compactMap { $0.hasPrefix("REPORT ") ? Int($0.dropFirst(7)) : nil } } }
        var ready: Bool { lines.withLock { $0.contains("READY") } }
    }

    @Test(.timeLimit(.minutes(6)))
    func killDashNineDuringABurstLeavesTheFinalStatusCorrectInTheCloud() async throws {
        try await withCloud { cloud in try await killDuringBursts(cloud) }
    }

    func killDuringBursts(_ cloud: Testbed) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let file = data + "/stream.txt"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(file, 100)
        var total = 100
        let hub = try cloud.edgeConfiguration("edge-1")
        // What the child needs to reach the hub (see Sources/edgeai-crash-child); the token 0600.
        for (name, value, mode) in [("hub-url", hub.url, 0o644), ("hub-token", hub.token, 0o600), ("hub-ca.pem", hub.caPEM, 0o644)] {
            #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: Data(value.utf8), attributes: [.posixPermissions: mode]))
        }
        let client = try cloud.client
        _ = try await client.create(cloudDataset("stream", node: "edge-1", dataUrl: file))
        for round in 0..<3 {
            let process = Process()
            process.executableURL = builtExecutable("edgeai-crash-child")
            process.arguments = ["agent", directory.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            // The child runs until killed, or until this end of its standard input closes.
            let input = Pipe()
            process.standardInput = input
            try process.run()
            let output = ChildOutput()
            let reader = pipe.fileHandleForReading
            Thread {
                var pending = Data()
                while true {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                        pending.removeSubrange(pending.startIndex...newline)
                        output.lines.withLock { $0.append(line) }
                    }
                }
            }.start()
            try await eventually("child agent ready", timeout: .seconds(30)) { output.ready }
            let reportsBefore = output.reports.count
            // A burst: many appends, one replacement by rename; killed in the middle of it.
            let bursts = Int.random(in: 20...60)
            let killAt = Int.random(in: 5..<bursts)
            for burst in 0..<bursts {
                if burst == bursts / 2 {
                    try appendLines(data + "/.tmp", total + 7)
                    #expect(rename(data + "/.tmp", file) == 0)
                    total += 7
                }
                let lines = Int.random(in: 1...200)
                try appendLines(file, lines, prefix: "r\(round)b\(burst)")
                total += lines
                if burst == killAt {
                    try await eventually("child reported during the burst", timeout: .seconds(30)) { output.reports.count > reportsBefore }
                    kill(process.processIdentifier, SIGKILL)
                }
            }
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let acknowledged = output.reports
            #expect(acknowledged.allSatisfy { $0 <= total })

            // Restart and reconnect: the restored agent catches up with the truth on disk, and so does the cloud.
            let expected = total
            try await withAgent(Self.configuration(directory.path), hub: hub) { capture in
                let api = APIClient(port: try #require(capture.port.withLock { $0 }))
                try await eventually("final count after restart (round \(round))") {
                    try await api.get("/v1/datasets/default/stream").body["numberOfSamples"] as? Int == expected
                }
                try await eventually("final count in the cloud (round \(round))", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "stream").status?.numberOfSamples == Int64(expected)
                }
                let node = try #require(capture.node.withLock { $0 })
                try await eventually("outbox drained (round \(round))") { try await node.pendingReports().isEmpty }
            }
        }
    }
}
