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

    @Test func aConsumerFarBehindGetsMergedTransitionsThatStillConverge() async throws {
        let client = try KubeClient(config: KubeConfig(server: "http://127.0.0.1:9"))
        let informer = Informer<Dataset>(client: client, eventQueueLimit: 2)
        informer.apply(.added(dataset("a", rv: "5")))
        informer.apply(.modified(dataset("a", rv: "6")))
        informer.apply(.added(dataset("b", rv: "7")))      // over the limit: queued (b has nothing waiting)
        informer.apply(.modified(dataset("a", rv: "8")))   // merged into a's waiting update
        informer.apply(.deleted(dataset("a", rv: "9")))    // … which becomes a delete of what the consumer saw
        informer.apply(.added(dataset("c", rv: "10")))
        informer.apply(.modified(dataset("c", rv: "11")))  // merged into c's add
        informer.apply(.deleted(dataset("c", rv: "12")))   // add then delete: nothing
        informer.apply(.added(dataset("c", rv: "13")))     // a re-create is its own event
        var events: [InformerEvent<Dataset>] = []
        var iterator = informer.events.makeAsyncIterator()
        for _ in 0..<4 { if let e = await iterator.next() { events.append(e) } }
        #expect(events == [
            .added(dataset("a", rv: "5")),
            .deleted(dataset("a", rv: "5")),
            .added(dataset("b", rv: "7")),
            .added(dataset("c", rv: "13")),
        ])
        // Replaying what the consumer saw gives the cache.
        var replayed: [String: String] = [:]
        for event in events {
            switch event {
            case .added(let o), .updated(_, let o): replayed[o.name] = o.metadata.resourceVersion
            case .deleted(let o): replayed[o.name] = nil
            }
        }
        #expect(replayed == Dictionary(uniqueKeysWithValues: informer.list().map { ($0.name, $0.metadata.resourceVersion ?? "") }))
        try await client.shutdown()
    }

    @Test func mergeRulesKeepTheFirstOldStateAndNeverMergeAReCreate() {
        typealias Queue = InformerEventQueue<Dataset>
        let a5 = dataset("a", rv: "5"), a6 = dataset("a", rv: "6"), a7 = dataset("a", rv: "7")
        #expect(Queue.merge(.added(a5), .updated(old: a5, new: a6)) == .replace(.added(a6)))
        #expect(Queue.merge(.added(a5), .deleted(a5)) == .cancel)
        #expect(Queue.merge(.updated(old: a5, new: a6), .updated(old: a6, new: a7)) == .replace(.updated(old: a5, new: a7)))
        #expect(Queue.merge(.updated(old: a5, new: a6), .deleted(a6)) == .replace(.deleted(a5)))
        #expect(Queue.merge(.deleted(a5), .added(a6)) == .keepBoth)
    }

    @Test func theEventQueueEndsAfterDrainingAndOnCancellation() async throws {
        let queue = InformerEventQueue<Dataset>(limit: 10)
        queue.push(.added(dataset("a", rv: "1")))
        queue.finish()
        queue.push(.added(dataset("b", rv: "2")))  // after finish: dropped
        #expect(await queue.next() == .added(dataset("a", rv: "1")))
        #expect(await queue.next() == nil)
        let open = InformerEventQueue<Dataset>(limit: 10)
        let waiter = Task { await open.next() }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }
}
