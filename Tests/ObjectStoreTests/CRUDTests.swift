import EdgeAITesting
import ObjectStore
import Testing

@Suite(.timeLimit(.minutes(5)))
struct CRUDTests {
    @Test func createThenGetReturnsValueWithItsRevision() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            let created = try await store.create(key) { revision in bytes("rv=\(revision)") }
            #expect(created.revision == 1)
            #expect(created.createRevision == 1)
            #expect(text(created.value) == "rv=1")
            #expect(await store.get(key) == created)
            #expect(await store.currentRevision == 1)
            #expect(await store.get(datasetKey("missing")) == nil)
        }
    }

    @Test func createExistingKeyFailsAndConsumesNoRevision() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            try await store.create(key) { _ in bytes("1") }
            await #expect(throws: StoreError.alreadyExists(key)) {
                try await store.create(key) { _ in bytes("2") }
            }
            #expect(await store.currentRevision == 1)
            #expect(text(try #require(await store.get(key)).value) == "1")
        }
    }

    @Test func listIsSortedPagedAndFilteredByNamespace() async throws {
        try await withStore { store, _ in
            // Created out of order, across namespaces and another resource.
            for (namespace, name) in [("b", "2"), ("a", "3"), ("b", "1"), ("a", "1"), ("a", "2")] {
                try await store.create(datasetKey(name, namespace: namespace)) { _ in bytes(namespace + name) }
            }
            try await store.create(ObjectKey(resource: "edgeai.io/models", namespace: "a", name: "m")) { _ in [] }
            let all = await store.list(resource: "edgeai.io/datasets", namespace: nil, continueAfter: nil, limit: nil)
            #expect(all.items.map { text($0.value) } == ["a1", "a2", "a3", "b1", "b2"])
            #expect(all.revision == 6)
            #expect(all.remaining == 0)

            let first = await store.list(resource: "edgeai.io/datasets", namespace: nil, continueAfter: nil, limit: 2)
            #expect(first.items.map { text($0.value) } == ["a1", "a2"])
            #expect(first.remaining == 3)
            let second = await store.list(
                resource: "edgeai.io/datasets", namespace: nil, continueAfter: first.items.last?.key, limit: 2)
            #expect(second.items.map { text($0.value) } == ["a3", "b1"])
            #expect(second.remaining == 1)
            let third = await store.list(
                resource: "edgeai.io/datasets", namespace: nil, continueAfter: second.items.last?.key, limit: 2)
            #expect(third.items.map { text($0.value) } == ["b2"])
            #expect(third.remaining == 0)

            let inB = await store.list(resource: "edgeai.io/datasets", namespace: "b", continueAfter: nil, limit: 1)
            #expect(inB.items.map { text($0.value) } == ["b1"])
            #expect(inB.remaining == 1)
            let restOfB = await store.list(
                resource: "edgeai.io/datasets", namespace: "b", continueAfter: inB.items.last?.key, limit: 1)
            #expect(restOfB.items.map { text($0.value) } == ["b2"])
            #expect(restOfB.remaining == 0)
            let exactPage = await store.list(resource: "edgeai.io/datasets", namespace: "a", continueAfter: nil, limit: 3)
            #expect(exactPage.items.count == 3)
            #expect(exactPage.remaining == 0)
            let none = await store.list(resource: "edgeai.io/datasets", namespace: "zzz", continueAfter: nil, limit: nil)
            #expect(none.items.isEmpty && none.remaining == 0)
            // Only namespace `a` counts as remaining in `a` (not `b`, which sorts after it).
            let firstOfA = await store.list(resource: "edgeai.io/datasets", namespace: "a", continueAfter: nil, limit: 1)
            #expect(firstOfA.items.map { text($0.value) } == ["a1"] && firstOfA.remaining == 2)
            let unknown = await store.list(resource: "nothing", namespace: nil, continueAfter: nil, limit: nil)
            #expect(unknown.items.isEmpty && unknown.remaining == 0)
        }
    }

    @Test func listContinuesAfterADeletedKey() async throws {
        try await withStore { store, _ in
            for name in ["a", "b", "c"] { try await store.create(datasetKey(name)) { _ in bytes(name) } }
            try await store.delete(datasetKey("b"))
            let page = await store.list(
                resource: "edgeai.io/datasets", namespace: "default", continueAfter: datasetKey("b"), limit: 10)
            #expect(page.items.map(\.key.name) == ["c"])
        }
    }

    @Test func updateRunsTransformOnCurrentObjectAndBumpsRevision() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            try await store.create(key) { _ in bytes("v1") }
            let updated = try await store.update(key, expectedRevision: 1) { current, revision in
                bytes(text(current.value) + "+rv\(revision)")
            }
            #expect(text(updated.value) == "v1+rv2")
            #expect(updated.revision == 2)
            #expect(updated.createRevision == 1)
            #expect(await store.get(key) == updated)
        }
    }

    @Test func updateWithStaleRevisionConflictsAndChangesNothing() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            try await store.create(key) { _ in bytes("v1") }
            try await store.update(key) { _, _ in bytes("v2") }
            await #expect(throws: StoreError.conflict(key, expected: 1, actual: 2)) {
                try await store.update(key, expectedRevision: 1) { _, _ in bytes("v3") }
            }
            #expect(text(try #require(await store.get(key)).value) == "v2")
            #expect(await store.currentRevision == 2)
        }
    }

    @Test func updateReturningNilWritesNothing() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            try await store.create(key) { _ in bytes("v1") }
            let result = try await store.update(key) { _, _ in nil }
            #expect(result.revision == 1)
            #expect(await store.currentRevision == 1)
            #expect(await store.statistics.transactions == 1)
        }
    }

    @Test func throwingCallbackFailsOnlyThatWrite() async throws {
        struct Refused: Error, Equatable {}
        try await withStore { store, _ in
            await #expect(throws: Refused()) {
                try await store.create(datasetKey("a")) { _ in throw Refused() }
            }
            try await store.create(datasetKey("b")) { _ in bytes("b") }
            await #expect(throws: Refused()) {
                try await store.update(datasetKey("b")) { _, _ in throw Refused() }
            }
            #expect(await store.get(datasetKey("a")) == nil)
            #expect(await store.currentRevision == 1)
        }
    }

    @Test func updateAndDeleteOfMissingKeyAreNotFound() async throws {
        try await withStore { store, _ in
            let key = datasetKey("ghost")
            await #expect(throws: StoreError.notFound(key)) { try await store.update(key) { _, _ in [] } }
            await #expect(throws: StoreError.notFound(key)) { try await store.delete(key) }
        }
    }

    @Test func deleteRemovesAndReturnsLastValueWithDeleteRevision() async throws {
        try await withStore { store, _ in
            let key = datasetKey("a")
            try await store.create(key) { _ in bytes("v1") }
            await #expect(throws: StoreError.conflict(key, expected: 7, actual: 1)) {
                try await store.delete(key, expectedRevision: 7)
            }
            let deleted = try await store.delete(key, expectedRevision: 1)
            #expect(deleted.revision == 2)
            #expect(deleted.createRevision == 1)
            #expect(text(deleted.value) == "v1")
            #expect(await store.get(key) == nil)
            #expect(await store.count == 0)
            // The name can be used again; it is a new incarnation.
            let again = try await store.create(key) { _ in bytes("v2") }
            #expect(again.createRevision == 3)
        }
    }

    @Test func oversizedValueIsRejected() async throws {
        try await withStore(options: StoreOptions(maxValueSize: 16)) { store, _ in
            let key = datasetKey("a")
            await #expect(throws: StoreError.tooLarge(key, size: 17, limit: 16)) {
                try await store.create(key) { _ in [UInt8](repeating: 1, count: 17) }
            }
            try await store.create(key) { _ in [UInt8](repeating: 1, count: 16) }
            await #expect(throws: StoreError.tooLarge(key, size: 100, limit: 16)) {
                try await store.update(key) { _, _ in [UInt8](repeating: 1, count: 100) }
            }
        }
    }

    @Test func emptyNameIsRejected() async throws {
        try await withStore { store, _ in
            let key = datasetKey("")
            await #expect(throws: StoreError.invalidKey(key, reason: "name is empty")) {
                try await store.create(key) { _ in [] }
            }
        }
    }

    @Test func writesAfterCloseFail() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try ObjectStore(path: directory.databasePath)
        await store.close()
        await #expect(throws: StoreError.closed) { try await store.create(datasetKey("a")) { _ in [] } }
        await #expect(throws: StoreError.closed) { _ = try await store.watch(resource: "edgeai.io/datasets", after: 0) }
        await store.close()
    }
}
