import EdgeAITesting
import ObjectStore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ConcurrencyTests {
    @Test func concurrentConditionalUpdatesExactlyOneWins() async throws {
        try await withStore { store, _ in
            let key = datasetKey("contended")
            let base = try await store.create(key) { _ in bytes("base") }
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        do {
                            try await store.update(key, expectedRevision: base.revision) { _, _ in bytes("w\(writer)") }
                            return true
                        } catch let error as StoreError where error.code == .conflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(await store.currentRevision == base.revision + 1)
        }
    }

    @Test func unconditionalReadModifyWriteIsAtomic() async throws {
        try await withStore { store, _ in
            let key = datasetKey("counter")
            try await store.create(key) { _ in bytes("0") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await store.update(key) { current, _ in bytes(String((Int(text(current.value)) ?? -1000) + 1)) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(text(try #require(await store.get(key)).value) == "50")
        }
    }

    @Test func concurrentWritesShareTransactions() async throws {
        try await withStore { store, _ in
            let writes = 400
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        for i in stride(from: writer, to: writes, by: 16) {
                            try await store.create(datasetKey("o\(i)")) { _ in bytes("\(i)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let statistics = await store.statistics
            #expect(statistics.committedWrites == writes)
            #expect(await store.currentRevision == Int64(writes))
            // 16 writers in flight: group commit must put several writes in one transaction.
            #expect(statistics.transactions < writes / 2, "transactions: \(statistics.transactions)")
            #expect(statistics.largestBatch > 1)
            #expect(await store.count == writes)
        }
    }

    @Test func failedWriteInABatchDoesNotAffectItsNeighbours() async throws {
        try await withStore { store, _ in
            try await store.create(datasetKey("exists")) { _ in [] }
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for i in 0..<32 {
                    let name = i % 4 == 0 ? "exists" : "n\(i)"
                    group.addTask {
                        do {
                            try await store.create(datasetKey(name)) { _ in [] }
                            return (name, true)
                        } catch {
                            return (name, false)
                        }
                    }
                }
                return await group.reduce(into: [(String, Bool)]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.1 == ($0.0 != "exists") })
            #expect(await store.currentRevision == 25)
        }
    }

    @Test func closeWaitsForSubmittedWrites() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ObjectStore(path: directory.databasePath)
        let acknowledged = await withTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask {
                    (try? await store.create(datasetKey("o\(i)")) { _ in [] }) == nil ? 0 : 1
                }
            }
            group.addTask {
                await store.close()
                return 0
            }
            return await group.reduce(0, +)
        }
        let reopened = try ObjectStore(path: directory.databasePath)
        #expect(await reopened.count == acknowledged)
        await reopened.close()
    }
}
