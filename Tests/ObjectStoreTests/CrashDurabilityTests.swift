import EdgeAITesting
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObjectStore
import Testing

/// `kill -9` at a random moment loses no acknowledged write. The writer is
/// `edgeai-crash-child store-writer DB`, which prints `ACK <name> <revision> <value>` after every
/// acknowledged write, until killed.
@Suite(.timeLimit(.minutes(5)))
struct CrashDurabilityTests {
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
        process.executableURL = builtExecutable("edgeai-crash-child")
        process.arguments = ["store-writer", databasePath]
        process.standardInput = Pipe()  // closed when this test process exits: the child follows
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
}
