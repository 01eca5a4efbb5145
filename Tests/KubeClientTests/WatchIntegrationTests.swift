import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import KubeClient
import ObjectStore
import Testing

@Suite(.serialized, .timeLimit(.minutes(5)))
struct WatchIntegrationTests {
    @Test func watchDeliversEventsInOrderWithBookmarks() async throws {
        let cluster = try TestCluster(bookmarkInterval: .milliseconds(100))
        try await cluster.start()
        let client = try cluster.client()
        let start = try await client.list(Dataset.self).metadata.resourceVersion
        let stream = try await client.watch(
            Dataset.self, namespace: "default", options: ListOptions(resourceVersion: start, allowWatchBookmarks: true))
        var created = try await client.create(sampleDataset("w"))
        created.spec.format = "csv"
        _ = try await client.update(created)
        try await client.delete(Dataset.self, name: "w")
        var seen: [String] = []
        var bookmarks = 0
        for try await event in stream {
            switch event {
            case .added(let d): seen.append("ADDED \(d.name)")
            case .modified(let d): seen.append("MODIFIED \(d.name) \(d.spec.format)")
            case .deleted(let d): seen.append("DELETED \(d.name)")
            case .bookmark: bookmarks += 1
            }
            if seen.count == 3 && bookmarks > 0 { break }
        }
        #expect(seen == ["ADDED w", "MODIFIED w csv", "DELETED w"])
        #expect(bookmarks > 0)
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func watchFromCompactedHistoryIsGone() async throws {
        let cluster = try TestCluster(
            compaction: CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero), compactionInterval: .milliseconds(50))
        try await cluster.start()
        let client = try cluster.client()
        let first = try await client.create(sampleDataset("old"))
        for i in 0..<20 { _ = try await client.create(sampleDataset("n\(i)")) }
        let oldRV = try #require(first.metadata.resourceVersion)
        try await eventually("history to be compacted") {
            do {
                for try await _ in try await client.watch(Dataset.self, options: ListOptions(resourceVersion: oldRV)) { return false }
                return false
            } catch let error as KubeError {
                return error.isGone
            }
        }
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func watchEndsCleanlyOnCancellation() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let client = try cluster.client()
        let stream = try await client.watch(Dataset.self)
        let consumer = Task { () -> Int in
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        consumer.cancel()
        #expect(try await consumer.value == 0)
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func serverRestartEndsTheWatch() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let client = try cluster.client()
        let stream = try await client.watch(Dataset.self)
        let consumer = Task { () -> Result<Int, any Error> in
            var count = 0
            do {
                for try await _ in stream { count += 1 }
                return .success(count)
            } catch {
                return .failure(error)
            }
        }
        await cluster.stop()
        // The stream ends (cleanly or with a network error), never hangs.
        _ = await consumer.value
        try await client.shutdown()
        await cluster.remove()
    }
}
