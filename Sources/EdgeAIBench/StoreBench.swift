import ArgumentParser
import Foundation
import ObjectStore

/// `edgeai-bench store`: the revisioned SQLite store alone — durable and process-crash-safe
/// writes with 16 writers (against a no-group-commit reference in the same run), gets, a list
/// of 3,000, watch latency with 100 watchers, and memory with 10,000 objects.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Benchmark the ObjectStore.")

    @Option(help: "Scratch directory (removed afterwards).")
    var directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-bench-store").path

    func run() async throws {
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ObjectStoreBenchmark.run(in: directory) { print($0) }
    }
}
