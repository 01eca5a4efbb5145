import EdgeAIAPI
import JSON
import Testing

@testable import KubeClient

/// The informer's event handling without a server: the client is never used.
@Suite(.timeLimit(.minutes(5)))
struct InformerApplyTests {
    func makeInformer() throws -> (Informer<Dataset>, KubeClient) {
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:9"))
        var configuration = Informer<Dataset>.Configuration()
        configuration.indexers = ["node": { [$0.spec.nodeName] }]
        return (Informer(client: client, configuration: configuration), client)
    }

    @Test func watchEventsUpdateCacheOnceAndInOrder() async throws {
        let (informer, client) = try makeInformer()
        var withFields = dataset("a", rv: "5")
        withFields.metadata.managedFields = [["manager": "x"]]
        informer.apply(.added(withFields))
        informer.apply(.added(dataset("a", rv: "5")))  // replayed: same resourceVersion, no event
        informer.apply(.modified(dataset("a", rv: "6", node: "edge1")))
        informer.apply(.bookmark(resourceVersion: "9"))
        #expect(informer.resourceVersion == "9")
        informer.apply(.deleted(dataset("ghost", rv: "10")))  // unknown: no event
        informer.apply(.added(dataset("b", rv: "11")))
        informer.apply(.deleted(dataset("a", rv: "12", node: "edge1")))
        #expect(informer.resourceVersion == "12")
        #expect(informer.list().map(\.name) == ["b"])
        #expect(informer.byIndex("node", "edge1").isEmpty)
        #expect(informer.byIndex("node", "edge0").map(\.name) == ["b"])

        var events: [InformerEvent<Dataset>] = []
        var iterator = informer.events.makeAsyncIterator()
        for _ in 0..<4 { if let e = await iterator.next() { events.append(e) } }
        #expect(events == [
            .added(dataset("a", rv: "5")),
            .updated(old: dataset("a", rv: "5"), new: dataset("a", rv: "6", node: "edge1")),
            .added(dataset("b", rv: "11")),
            .deleted(dataset("a", rv: "12", node: "edge1")),
        ])
        #expect(events[0].object.metadata.managedFields == nil, "managedFields are dropped by default")
        try await client.shutdown()
    }

    @Test func waitForSyncEndsWithCancellation() async throws {
        let (informer, client) = try makeInformer()
        #expect(!informer.hasSynced)
        let waiter = Task { try await informer.waitForSync() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        try await client.shutdown()
    }
}
