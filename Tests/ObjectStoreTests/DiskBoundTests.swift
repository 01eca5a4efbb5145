import Foundation
import EdgeAITesting
import ObjectStore
import Synchronization
import Testing

/// The store's disk holds to the live data: the WAL is truncated past its limit, history is
/// capped however young it is, compaction leaks no superseded rows, free pages go back.
@Suite(.timeLimit(.minutes(2)))
struct DiskBoundTests {
    static let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)

    @Test func walIsResetOnceItPassesItsLimit() async throws {
        let limit: Int64 = 256 * 1024
        try await withStore(durability: .processCrashSafe, options: StoreOptions(walLimit: limit)) { store, directory in
            for i in 0..<10 { try await store.create(datasetKey("o\(i)")) { _ in Self.value } }
            var largest: Int64 = 0
            for round in 0..<50 {
                for i in 0..<100 { try await store.update(datasetKey("o\(i % 10)")) { _, _ in Self.value + [UInt8(round)] } }
                largest = max(largest, try await store.storageSize().walBytes)
            }
            try await eventually("a WAL reset") { await store.walResetCount >= 1 }
            // 5,000 commits of ~1 KB rows (2+ WAL pages each) would leave a WAL of 40 MB or more; with it, the
            // WAL passes its limit by what commits add while a checkpoint runs (~1 MB per 100
            // commits idle, several MB with the whole test suite running on two cores).
            #expect(largest <= limit + 16 * 1024 * 1024, "largest WAL: \(largest)")
            await store.close()
            let wal = (try? FileManager.default.attributesOfItem(atPath: directory.databasePath + "-wal")[.size] as? Int) ?? 0
            #expect(wal == 0, "a clean close leaves an empty WAL")
        }
    }

    @Test func historyIsCappedEvenWhenYoungerThanTheMinimumDuration() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 10, minRetainedDuration: .seconds(3600), maxRetainedRevisions: 100)
        try await withStore(durability: .processCrashSafe, compaction: policy) { store, _ in
            for i in 0..<20 { try await store.create(datasetKey("o\(i)")) { _ in bytes("\(i)") } }
            for i in 0..<980 { try await store.update(datasetKey("o\(i % 20)")) { _, _ in bytes("u\(i)") } }
            try await store.compact()
            #expect(await store.compactRevision == 900)
            #expect(try await store.logRowCount() <= 100 + 20)
            await #expect(throws: StoreError.compacted(requested: 899, oldestAvailable: 900)) {
                _ = try await store.watch(resource: "edgeai.io/datasets", after: 899)
            }
            let events = try await collect(100, from: try await store.watch(resource: "edgeai.io/datasets", after: 900))
            #expect(events.map(\.revision) == Array(901...1000))
        }
    }

    @Test func repeatedCompactionsLeakNoSupersededRows() async throws {
        // A row that is current at one compaction and superseded after it must go at the next.
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero, maxRetainedRevisions: 5)
        try await withStore(durability: .processCrashSafe, compaction: policy) { store, directory in
            for i in 0..<10 { try await store.create(datasetKey("o\(i)")) { _ in bytes("c\(i)") } }
            for round in 0..<20 {
                for i in 0..<10 { try await store.update(datasetKey("o\(i)")) { _, _ in bytes("r\(round)-\(i)") } }
                try await store.compact()
            }
            // 10 current rows plus at most the 5 retained revisions' predecessors.
            #expect(try await store.logRowCount() <= 15)
            try await store.delete(datasetKey("o3"))
            for i in 0..<10 where i != 3 { try await store.update(datasetKey("o\(i)")) { _, _ in bytes("last-\(i)") } }
            try await store.compact()
            await store.close()
            let reopened = try ObjectStore(path: directory.databasePath, compaction: policy)
            #expect(await reopened.count == 9)
            #expect(await reopened.get(datasetKey("o3")) == nil)
            #expect(text(try #require(await reopened.get(datasetKey("o9"))).value) == "last-9")
            #expect(await reopened.currentRevision == 220)
            await reopened.close()
        }
    }

    @Test func runCompactionDoesNotWaitForItsIntervalOnceHistoryPassesTheCap() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .seconds(3600), maxRetainedRevisions: 100)
        try await withStore(durability: .processCrashSafe, compaction: policy) { store, _ in
            let compactor = Task { await store.runCompaction(every: .seconds(3600)) }
            defer { compactor.cancel() }
            for i in 0..<200 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            // Compaction goes in steps of a quarter of the cap, so history ends within 1.25 × the cap.
            try await eventually("a compaction long before the hour") {
                let compacted = await store.compactRevision
                return compacted > 0 && 200 - compacted <= 125
            }
            compactor.cancel()
            await compactor.value
        }
    }

    @Test func freePagesBeyondTheSlackGoBackToTheFileSystem() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero, maxRetainedRevisions: 10)
        try await withStore(durability: .processCrashSafe, compaction: policy) { store, directory in
            let big = [UInt8](repeating: 7, count: 4000)
            for i in 0..<2000 { try await store.create(datasetKey("o\(i)")) { _ in big } }
            try await store.compact()
            let full = try await store.storageSize()
            for i in 0..<2000 { try await store.delete(datasetKey("o\(i)")) }
            try await store.compact()
            #expect(await store.statistics.releasedPages > 1000)
            await store.close()
            let size = (try FileManager.default.attributesOfItem(atPath: directory.databasePath)[.size] as? Int) ?? 0
            #expect(full.totalBytes > 8_000_000)
            #expect(size < 2_000_000, "database file after deleting everything: \(size)")
        }
    }

    @Test func aCleanCloseReturnsTheFreePagesTheSlackKept() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero, maxRetainedRevisions: 10)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ObjectStore(path: directory.databasePath, durability: .processCrashSafe, compaction: policy)
        let big = [UInt8](repeating: 7, count: 4000)
        for i in 0..<600 { try await store.create(datasetKey("o\(i)")) { _ in big } }
        for i in 0..<300 { try await store.delete(datasetKey("o\(i)")) }
        try await store.compact()
        let running = try await store.storageSize()
        // While running, up to half the used pages stay free for the next writes to reuse.
        #expect(running.freeBytes > 200 * 4096, "free while running: \(running.freeBytes)")
        await store.close()
        let reopened = try ObjectStore(path: directory.databasePath, durability: .processCrashSafe, compaction: policy)
        let atRest = try await reopened.storageSize()
        #expect(await reopened.count == 300)
        #expect(await reopened.get(datasetKey("o599"))?.value == big)
        await reopened.close()
        #expect(atRest.freeBytes <= 2 * 4096, "free at rest: \(atRest.freeBytes)")
        #expect(atRest.databaseBytes <= running.databaseBytes - running.freeBytes + 8 * 4096,
                "at rest \(atRest.databaseBytes), used while running \(running.databaseBytes - running.freeBytes)")
    }

    @Test func commitsAreObservedAndObjectsCountedPerResource() async throws {
        try await withStore(durability: .processCrashSafe) { store, _ in
            let commits = Counter()
            await store.observeCommits { _, rows in commits.add(rows) }
            for i in 0..<5 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            try await store.create(ObjectKey(resource: "namespaces", namespace: "", name: "n")) { _ in [] }
            #expect(commits.value == 6)
            #expect(await store.objectCounts == ["edgeai.io/datasets": 5, "namespaces": 1])
            let size = try await store.storageSize()
            #expect(size.databaseBytes > 0)
        }
    }
}

/// A thread-safe tally for callbacks.
final class Counter: Sendable {
    private let state = Mutex(0)
    func add(_ n: Int) { state.withLock { $0 += n } }
    var value: Int { state.withLock { $0 } }
}
