import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAICore
import EdgeAITesting
import KubeClient
import ObjectStore
import Testing

/// Collects an informer's events and checks the invariants users rely on.
final class EventLog: Sendable {
    let events = LockedBox<[InformerEvent<Dataset>]>([])

    func consume(_ informer: Informer<Dataset>) async {
        for await event in informer.events { events.update { $0.append(event) } }
    }

    /// Replays the events onto an empty map: the result must equal the informer's cache.
    func replayed() -> [ObjectKeyName: String] {
        var state: [ObjectKeyName: String] = [:]
        for event in events.get() {
            switch event {
            case .added(let o), .updated(_, let o): state[o.key] = o.metadata.resourceVersion ?? ""
            case .deleted(let o): state[o.key] = nil
            }
        }
        return state
    }

    /// (key, resourceVersion) pairs of adds and updates: none may repeat.
    func duplicates() -> Int {
        var seen = Set<String>()
        var dups = 0
        for event in events.get() {
            guard case .deleted = event else {
                if !seen.insert("\(event.object.key)@\(event.object.metadata.resourceVersion ?? "")").inserted { dups += 1 }
                continue
            }
        }
        return dups
    }
}

func serverState(_ client: KubeClient) async throws -> [ObjectKeyName: String] {
    let list = try await client.list(Dataset.self)
    return Dictionary(uniqueKeysWithValues: list.items.map { ($0.key, $0.metadata.resourceVersion ?? "") })
}

func cacheState(_ informer: Informer<Dataset>) -> [ObjectKeyName: String] {
    Dictionary(uniqueKeysWithValues: informer.list().map { ($0.key, $0.metadata.resourceVersion ?? "") })
}

func converged(_ informer: Informer<Dataset>, _ log: EventLog, _ client: KubeClient) async throws -> Bool {
    let server = try await serverState(client)
    return cacheState(informer) == server && log.replayed() == server
}

@Suite(.serialized, .timeLimit(.minutes(5)))
struct InformerIntegrationTests {
    func makeInformer(_ cluster: TestCluster, port: Int) throws -> (Informer<Dataset>, KubeClient) {
        let client = try cluster.client(port: port, retry: RetryPolicy(maxRetries: 1, backoff: Backoff(initial: .milliseconds(5), maximum: .milliseconds(20))))
        var configuration = Informer<Dataset>.Configuration()
        configuration.indexers = ["node": { [$0.spec.nodeName] }]
        configuration.backoff = Backoff(initial: .milliseconds(10), maximum: .milliseconds(100))
        configuration.watchTimeoutSeconds = 2...4
        return (Informer(client: client, configuration: configuration), client)
    }

    @Test func syncsAndFollowsChangesWithIndexes() async throws {
        let cluster = try TestCluster(bookmarkInterval: .milliseconds(200))
        let port = try await cluster.start()
        let client = try cluster.client()
        for i in 0..<30 { _ = try await client.create(sampleDataset("d\(i)", namespace: i % 2 == 0 ? "default" : "kube-public", node: "edge\(i % 3)")) }
        let (informer, informerClient) = try makeInformer(cluster, port: port)
        let log = EventLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await informer.run() }
            group.addTask { await log.consume(informer) }
            try await informer.waitForSync()
            #expect(informer.hasSynced && informer.count == 30)
            #expect(informer.list(namespace: "kube-public").count == 15)
            #expect(informer.byIndex("node", "edge1").count == 10)
            try await client.delete(Dataset.self, name: "d0")
            var d2 = try await client.get(Dataset.self, name: "d2")
            d2.spec.nodeName = "edge1"
            _ = try await client.update(d2)
            try await eventually("informer to converge") { try await converged(informer, log, client) }
            #expect(informer.byIndex("node", "edge1").count == 11)
            #expect(informer.get(namespace: "default", name: "d0") == nil)
            #expect(log.duplicates() == 0)
            group.cancelAll()
        }
        try await informerClient.shutdown()
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func droppedConnectionsAndRandomWorkloadConverge() async throws {
        let cluster = try TestCluster(bookmarkInterval: .milliseconds(100))
        let port = try await cluster.start()
        let proxy = try TCPProxy(upstreamPort: port)
        let client = try cluster.client()
        let (informer, informerClient) = try makeInformer(cluster, port: proxy.port)
        let log = EventLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await informer.run() }
            group.addTask { await log.consume(informer) }
            try await informer.waitForSync()
            var names = Set<String>()
            var generator = SystemRandomNumberGenerator()
            for step in 0..<300 {
                let name = "r\(Int.random(in: 0..<40, using: &generator))"
                do {
                    if !names.contains(name) {
                        _ = try await client.create(sampleDataset(name, node: "edge\(step % 4)"))
                        names.insert(name)
                    } else if Bool.random(using: &generator) {
                        var current = try await client.get(Dataset.self, name: name)
                        current.spec.dataUrl = "/data/\(step)"
                        _ = try await client.update(current)
                    } else {
                        try await client.delete(Dataset.self, name: name)
                        names.remove(name)
                    }
                } catch let error as KubeError where error.isConflict || error.isNotFound || error.isAlreadyExists {
                    continue
                }
                if step % 25 == 0 { proxy.cutAll() }
            }
            try await eventually("informer to converge after disconnects", timeout: .seconds(30)) {
                try await converged(informer, log, client)
            }
            #expect(informer.listCount > 1, "broken streams caused relists")
            #expect(log.duplicates() == 0)
            group.cancelAll()
        }
        try await informerClient.shutdown()
        try await client.shutdown()
        proxy.close()
        await cluster.remove()
    }

    @Test func serverRestartAndCompactionWhileAwayEmitDeletes() async throws {
        let cluster = try TestCluster(
            compaction: CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero), compactionInterval: .milliseconds(50),
            bookmarkInterval: .milliseconds(100))
        let port = try await cluster.start()
        let proxy = try TCPProxy(upstreamPort: port)
        let seed = try cluster.client()
        for i in 0..<10 { _ = try await seed.create(sampleDataset("s\(i)")) }
        try await seed.shutdown()
        let (informer, informerClient) = try makeInformer(cluster, port: proxy.port)
        let log = EventLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await informer.run() }
            group.addTask { await log.consume(informer) }
            try await informer.waitForSync()
            let oldRV = try #require(informer.resourceVersion)
            // The client goes away; the server restarts on the same data; while the client is
            // away objects are deleted and changed and the history is compacted.
            proxy.setRefusing(true)
            await cluster.stop()
            let newPort = try await cluster.start()
            proxy.retarget(upstreamPort: newPort)
            let client = try cluster.client()
            for i in 0..<5 { try await client.delete(Dataset.self, name: "s\(i)") }
            var s5 = try await client.get(Dataset.self, name: "s5")
            s5.spec.format = "csv"
            _ = try await client.update(s5)
            _ = try await client.create(sampleDataset("fresh"))
            try await eventually("history to be compacted") {
                do {
                    for try await _ in try await client.watch(Dataset.self, options: ListOptions(resourceVersion: oldRV)) { return false }
                    return false
                } catch let error as KubeError {
                    return error.isGone
                }
            }
            proxy.setRefusing(false)
            try await eventually("informer to converge after restart", timeout: .seconds(30)) {
                try await converged(informer, log, client)
            }
            let deleted = log.events.get().compactMap { event -> String? in
                if case .deleted(let o) = event { return o.name }
                return nil
            }
            #expect(deleted.sorted() == ["s0", "s1", "s2", "s3", "s4"])
            #expect(log.duplicates() == 0)
            group.cancelAll()
            try await client.shutdown()
        }
        try await informerClient.shutdown()
        proxy.close()
        await cluster.remove()
    }
}
