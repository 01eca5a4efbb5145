import EdgeAITesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObjectStore
import Testing

/// `kill -9` at a random moment loses no acknowledged write. The test re-launches this test
/// binary with `EDGEAI_STORE_CRASH_CHILD=<db path>`, which turns `crashChildWriter` into a writer
/// that prints `ACK <name> <revision> <value>` after every acknowledged write, until killed.
@Suite(.timeLimit(.minutes(5)))
struct CrashDurabilityTests {
    static let childVariable = "EDGEAI_STORE_CRASH_CHILD"

    @Test(.timeLimit(.minutes(5)))
    func killDashNineLosesNoAcknowledgedWrite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for round in 0..<3 {
            let killAfter = Int.random(in: 50...1500)
            let acks = try await runChildAndKill(databasePath: directory.databasePath, afterAcks: killAfter)
            try #require(acks.count >= killAfter, "round \(round): child produced only \(acks.count) acks")
            let store = try ObjectStore(path: directory.databasePath)
            var newest: [String: (revision: Int64, value: String)] = [:]
            for ack in acks where (newest[ack.name]?.revision ?? 0) < ack.revision {
                newest[ack.name] = (ack.revision, ack.value)
            }
            for (name, acked) in newest {
                let object = try #require(await store.get(datasetKey(name)), "acknowledged \(name)@\(acked.revision) lost")
                #expect(object.revision >= acked.revision)
                if object.revision == acked.revision { #expect(text(object.value) == acked.value) }
            }
            let maxAcked = acks.map(\.revision).max() ?? 0
            #expect(await store.currentRevision >= maxAcked)
            let next = try await store.create(datasetKey("after-crash-\(round)")) { _ in [] }
            #expect(next.revision > maxAcked)
            await store.close()
        }
    }

    struct Ack: Sendable {
        var name: String
        var revision: Int64
        var value: String
    }

    /// Starts the child writer, reads its acknowledgements until `afterAcks`, SIGKILLs it.
    private func runChildAndKill(databasePath: String, afterAcks: Int) async throws -> [Ack] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--testing-library", "swift-testing", "--filter", "crashChildWriter"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = databasePath
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let reader = output.fileHandleForReading
        let lines: [String] = await withCheckedContinuation { continuation in
            Thread {
                var acks: [String] = []
                var pending = Data()
                while acks.count < afterAcks {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }  // child exited
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                        pending.removeSubrange(pending.startIndex...newline)
                        if line.hasPrefix("ACK ") { acks.append(line) }
                    }
                }
                kill(pid, SIGKILL)
                // Acks already in the pipe were acknowledged before the kill: keep them too.
                let rest = reader.readDataToEndOfFile()
                pending.append(rest)
                for line in String(decoding: pending, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ACK ") {
                    acks.append(String(line))
                }
                continuation.resume(returning: acks)
            }.start()
        }
        process.waitUntilExit()
        return lines.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 4, let revision = Int64(parts[2]) else { return nil }
            return Ack(name: String(parts[1]), revision: revision, value: String(parts[3]))
        }
    }

    /// The child side: writes until killed (or for at most 60 s). Skipped in normal runs.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func crashChildWriter() async throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let store = try ObjectStore(path: path)
        let deadline = ContinuousClock.now + .seconds(60)
        let prefix = UUID().uuidString.prefix(8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var i = 0
                    while ContinuousClock.now < deadline {
                        let name = "\(prefix)-\(writer)-\(i)"
                        let created = try await store.create(datasetKey(name)) { revision in bytes("c\(revision)") }
                        Self.acknowledge(name, created)
                        let updated = try await store.update(datasetKey(name)) { _, revision in bytes("u\(revision)") }
                        Self.acknowledge(name, updated)
                        i += 1
                    }
                }
            }
            try await group.waitForAll()
        }
        await store.close()
    }

    private static func acknowledge(_ name: String, _ object: StoredObject) {
        let line = "ACK \(name) \(object.revision) \(text(object.value))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
