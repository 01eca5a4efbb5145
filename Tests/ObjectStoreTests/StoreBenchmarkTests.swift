import Foundation
import ObjectStore
import Testing

/// Runs `ObjectStoreBenchmark` when EDGEAI_STORE_BENCH is set (use a release build:
/// `EDGEAI_STORE_BENCH=1 swift test -c release --filter StoreBenchmarkTests`).
struct StoreBenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EDGEAI_STORE_BENCH"] != nil))
    func benchmark() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await ObjectStoreBenchmark.run(in: directory.path) { print("BENCH " + $0) }
    }
}
