import EdgeAITesting
import Foundation
import ObjectStore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct PersistenceTests {
    @Test func stateAndRevisionSurviveReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try ObjectStore(path: directory.databasePath)
            try await store.create(datasetKey("a")) { _ in bytes("a1") }
            try await store.create(datasetKey("b")) { _ in bytes("b1") }
            try await store.update(datasetKey("a")) { _, _ in bytes("a2") }
            try await store.delete(datasetKey("b"))
            await store.close()
        }
        let store = try ObjectStore(path: directory.databasePath)
        #expect(await store.currentRevision == 4)
        #expect(await store.count == 1)
        let a = try #require(await store.get(datasetKey("a")))
        #expect(a.revision == 3 && a.createRevision == 1 && text(a.value) == "a2")
        #expect(await store.get(datasetKey("b")) == nil)
        let next = try await store.create(datasetKey("c")) { _ in [] }
        #expect(next.revision == 5)
        await store.close()
    }

    @Test func revisionsStayMonotonicAfterCompactionAndReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero)
        do {
            let store = try ObjectStore(path: directory.databasePath, compaction: policy)
            for i in 0..<20 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            for i in 0..<20 { try await store.delete(datasetKey("o\(i)")) }
            #expect(await store.currentRevision == 40)
            try await store.compact()
            #expect(await store.compactRevision == 39)
            // Only the newest row (the last delete) is left.
            #expect(try await store.logRowCount() == 1)
            await store.close()
        }
        let store = try ObjectStore(path: directory.databasePath, compaction: policy)
        #expect(await store.currentRevision == 40)
        #expect(await store.count == 0)
        #expect(try await store.create(datasetKey("new")) { _ in [] }.revision == 41)
        await store.close()
    }

    @Test func durabilityModesSetSQLiteSettings() async throws {
        try await withStore(durability: .durable) { store, _ in
            let settings = try await store.storageSettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == "2")  // FULL
            #expect(settings.walAutocheckpoint == "0", "no checkpoint on the write path")
            // The background checkpointer takes over: one per 100 commits.
            for i in 0..<250 { try await store.create(datasetKey("c\(i)")) { _ in [] } }
            try await eventually("two background checkpoints") { await store.checkpointCount >= 2 }
        }
        try await withStore(durability: .processCrashSafe) { store, _ in
            let settings = try await store.storageSettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == "1")  // NORMAL
        }
    }

    @Test func aDatabaseCanBeOpenedByOneStoreAtATime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try ObjectStore(path: directory.databasePath)
        #expect {
            _ = try ObjectStore(path: directory.databasePath)
        } throws: { error in
            guard let error = error as? StoreError, error.code == .storage else { return false }
            return error.description.contains("already open")
        }
        await first.close()
        let second = try ObjectStore(path: directory.databasePath)
        await second.close()
    }

    @Test func openingAnUnusableFileFailsWithStorageError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A directory where the database file should be.
        let occupied = directory.path + "/occupied"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        #expect {
            _ = try ObjectStore(path: occupied)
        } throws: { error in
            (error as? StoreError)?.code == .storage
        }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct CompactionTests {
    @Test func compactionKeepsTheNewestRevisionsAndLiveObjects() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 10, minRetainedDuration: .zero)
        try await withStore(compaction: policy) { store, directory in
            for i in 0..<30 { try await store.create(datasetKey("o\(i % 5)-\(i / 5)")) { _ in bytes("\(i)") } }
            for i in 0..<30 { try await store.update(datasetKey("o\(i % 5)-\(i / 5)")) { _, _ in bytes("u\(i)") } }
            for i in 0..<10 { try await store.delete(datasetKey("o\(i % 5)-\(i / 5)")) }
            #expect(await store.currentRevision == 70)
            try await store.compact()
            #expect(await store.compactRevision == 60)
            #expect(await store.statistics.compactions == 1)
            // History after 60 plus current rows of live objects remain.
            let rows = try await store.logRowCount()
            #expect(rows <= 10 + 20, "rows: \(rows)")
            // Watching from the compaction point works; before it is compacted.
            let events = try await collect(10, from: try await store.watch(resource: "edgeai.io/datasets", after: 60))
            #expect(events.map(\.revision) == Array(61...70))
            await #expect(throws: StoreError.compacted(requested: 59, oldestAvailable: 60)) {
                _ = try await store.watch(resource: "edgeai.io/datasets", after: 59)
            }
            // A second compaction with nothing new to drop is a no-op.
            try await store.compact()
            #expect(await store.statistics.compactions == 1)
            await store.close()
            // Deleted objects stay deleted and live ones keep their last value after a reopen.
            let reopened = try ObjectStore(path: directory.databasePath, compaction: policy)
            #expect(await reopened.count == 20)
            #expect(await reopened.get(datasetKey("o0-0")) == nil)
            #expect(text(try #require(await reopened.get(datasetKey("o0-5"))).value) == "u25")
            await reopened.close()
        }
    }

    @Test func compactionRespectsTheMinimumDuration() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .seconds(300))
        try await withStore(compaction: policy) { store, _ in
            for i in 0..<20 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            try await store.compact()
            #expect(await store.compactRevision == 0)
            #expect(try await store.logRowCount() == 20)
        }
    }

    @Test func compactionInChunksNeverResurrectsDeletedObjects() async throws {
        // Many keys, each created, updated and deleted: chunked deletes must drop a key's older
        // rows no later than its delete row.
        let policy = CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero)
        try await withStore(durability: .processCrashSafe, compaction: policy) { store, directory in
            func each(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<16 {
                        group.addTask { for i in stride(from: writer, to: 1500, by: 16) { try await body(i) } }
                    }
                    try await group.waitForAll()
                }
            }
            try await each { i in try await store.create(datasetKey("o\(i)")) { _ in [] } }
            try await each { i in try await store.update(datasetKey("o\(i)")) { _, _ in bytes("u") } }
            try await each { i in if i != 1499 { try await store.delete(datasetKey("o\(i)")) } }
            try await store.compact()
            await store.close()
            let reopened = try ObjectStore(path: directory.databasePath, compaction: policy)
            #expect(await reopened.count == 1)
            #expect(try await reopened.logRowCount() <= 2)
            await reopened.close()
        }
    }
}
