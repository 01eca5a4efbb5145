import EdgeAITesting
import ObjectStore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct WatchTests {
    @Test func watchFromARevisionSeesExactlyTheLaterEventsInOrder() async throws {
        try await withStore { store, _ in
            try await store.create(datasetKey("a")) { _ in bytes("a1") }  // 1
            try await store.create(datasetKey("b")) { _ in bytes("b1") }  // 2
            let stream = try await store.watch(resource: "edgeai.io/datasets", namespace: nil, after: 1)
            try await store.update(datasetKey("a")) { _, _ in bytes("a2") }  // 3
            try await store.create(ObjectKey(resource: "edgeai.io/models", name: "m")) { _ in [] }  // 4, other resource
            try await store.delete(datasetKey("b"))  // 5
            let events = try await collect(3, from: stream)
            #expect(events.map(\.revision) == [2, 3, 5])
            #expect(events.map(\.type) == [.added, .modified, .deleted])
            #expect(events[0].previous == nil)
            #expect(text(events[1].object.value) == "a2")
            #expect(text(try #require(events[1].previous).value) == "a1")
            #expect(events[2].object.key == datasetKey("b"))
            #expect(text(events[2].object.value) == "b1")
            #expect(events[2].object.createRevision == 2)
            #expect(events[2].previous?.revision == 2)
        }
    }

    @Test func namespaceFilterOnlyDeliversThatNamespace() async throws {
        try await withStore { store, _ in
            let stream = try await store.watch(resource: "edgeai.io/datasets", namespace: "team", after: 0)
            try await store.create(datasetKey("x", namespace: "other")) { _ in [] }
            try await store.create(datasetKey("y", namespace: "team")) { _ in [] }
            let events = try await collect(1, from: stream)
            #expect(events.map(\.object.key) == [datasetKey("y", namespace: "team")])
        }
    }

    @Test func liveWatcherReceivesEventsAfterItStarted() async throws {
        try await withStore { store, _ in
            let start = await store.currentRevision
            let stream = try await store.watch(resource: "edgeai.io/datasets", after: start)
            async let received = collect(100, from: stream)
            for i in 0..<100 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            #expect(try await received.map(\.revision) == Array(1...100))
        }
    }

    @Test func watchResumesAcrossReopenFromTheLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try ObjectStore(path: directory.databasePath)
            for i in 0..<10 { try await store.create(datasetKey("o\(i)")) { _ in bytes("\(i)") } }
            try await store.update(datasetKey("o3")) { _, _ in bytes("changed") }
            try await store.delete(datasetKey("o4"))
            await store.close()
        }
        let store = try ObjectStore(path: directory.databasePath)
        let stream = try await store.watch(resource: "edgeai.io/datasets", after: 8)
        try await store.create(datasetKey("late")) { _ in [] }
        let events = try await collect(5, from: stream)
        #expect(events.map(\.revision) == [9, 10, 11, 12, 13])
        #expect(events.map(\.type) == [.added, .added, .modified, .deleted, .added])
        #expect(text(try #require(events[2].previous).value) == "3")
        #expect(text(events[3].object.value) == "4")
        #expect(await store.statistics.logReads >= 1)
        await store.close()
    }

    @Test func watchOlderThanCompactionFailsBeforeYielding() async throws {
        let policy = CompactionPolicy(minRetainedRevisions: 5, minRetainedDuration: .zero)
        try await withStore(compaction: policy) { store, _ in
            for i in 0..<20 { try await store.create(datasetKey("o\(i)")) { _ in [] } }
            try await store.compact()
            await #expect(throws: StoreError.compacted(requested: 3, oldestAvailable: 15)) {
                _ = try await store.watch(resource: "edgeai.io/datasets", after: 3)
            }
        }
    }

    @Test func slowWatcherBlocksNobodyAndStillGetsEverythingInOrder() async throws {
        // A tiny event cache: the idle watcher falls far behind it and must read the log.
        try await withStore(options: StoreOptions(eventCacheCapacity: 16)) { store, _ in
            let slow = try await store.watch(resource: "edgeai.io/datasets", after: 0)
            let fast = try await store.watch(resource: "edgeai.io/datasets", after: 0)
            async let fastEvents = collect(1000, from: fast, seconds: 60)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for i in stride(from: writer, to: 1000, by: 8) {
                            try await store.create(datasetKey("o\(i)")) { _ in [] }
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Writers finished while `slow` consumed nothing.
            #expect(try await fastEvents.map(\.revision) == Array(1...1000))
            let slowEvents = try await collect(1000, from: slow, seconds: 60)
            #expect(slowEvents.map(\.revision) == Array(1...1000))
            #expect(await store.statistics.logReads > 0)
        }
    }

    @Test func watchesEndWhenTheStoreCloses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ObjectStore(path: directory.databasePath)
        let stream = try await store.watch(resource: "edgeai.io/datasets", after: 0)
        try await store.create(datasetKey("a")) { _ in [] }
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next()?.revision == 1)
        // The consumer now waits for more; closing the store ends its stream.
        async let closing: Void = store.close()
        #expect(try await iterator.next() == nil)
        await closing
    }

    @Test func cancellingTheConsumerEndsAWaitingWatch() async throws {
        try await withStore { store, _ in
            let stream = try await store.watch(resource: "edgeai.io/datasets", after: 0)
            let consumer = Task {
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            consumer.cancel()
            #expect(try await consumer.value == 0)
        }
    }
}
