import EdgeAITesting
import Foundation
import Testing

@testable import RemoteStore

/// The model cache's pure bookkeeping, and its small on-disk wrapper.
struct ModelCacheIndexTests {
    let a1 = ModelCacheIndex.Key(url: "s3://m/a", digest: "sha256:01")
    let a2 = ModelCacheIndex.Key(url: "s3://m/a", digest: "sha256:02")
    let b1 = ModelCacheIndex.Key(url: "https://h/b", digest: nil)

    @Test func aChangedDigestOrURLIsANewVersion() {
        #expect(a1.id != a2.id)
        #expect(a1.id != ModelCacheIndex.Key(url: "s3://m/other", digest: "sha256:01").id)
        #expect(a1.id == ModelCacheIndex.Key(url: "s3://m/a", digest: "sha256:01").id)
        #expect(a1.id.count == 32)
    }

    @Test func switchKeepsTheOldVersionUntilEvicted() {
        var index = ModelCacheIndex()
        index.add(a1, size: 100)
        #expect(index.switchModel("ns/a", to: a1.id) == nil)
        index.add(a2, size: 100)
        // Downloaded beside the old one: the model still uses a1.
        #expect(index.current["ns/a"] == a1.id)
        #expect(index.switchModel("ns/a", to: a2.id) == a1.id)
        #expect(index.current["ns/a"] == a2.id)
        #expect(index.entries[a1.id] != nil)
        #expect(index.evictionPlan(limit: 200).isEmpty)
        #expect(index.evictionPlan(limit: 150) == [a1.id])
    }

    @Test func evictsLeastRecentlyUsedNeverCurrent() {
        var index = ModelCacheIndex()
        index.add(a1, size: 100)
        index.add(b1, size: 100)
        index.add(a2, size: 100)
        index.switchModel("ns/b", to: b1.id)
        index.touch(a1.id)
        // a2 is least recently used now; b1 is current and pinned.
        #expect(index.evictionPlan(limit: 200) == [a2.id])
        #expect(index.evictionPlan(limit: 0) == [a2.id, a1.id])
        index.remove([a2.id, a1.id, b1.id])
        #expect(Array(index.entries.keys) == [b1.id])
        index.removeModel("ns/b")
        #expect(index.evictionPlan(limit: 0) == [b1.id])
    }

    @Test(.timeLimit(.minutes(3)))
    func cacheOnDiskSwitchesAndEvicts() async throws {
        let dir = try TemporaryDirectory(prefix: "edgeai-cache")
        defer { dir.remove() }
        let cache = try await ModelCache(root: dir.path, limitBytes: 150)
        let first = try await cache.destination(for: a1, fileName: "https://h/models/m.onnx?sig=1")
        #expect(first.hasSuffix("/versions/\(a1.id)/m.onnx"))
        try Data(count: 100).write(to: URL(fileURLWithPath: first))
        #expect(try await cache.commit(model: "ns/a", key: a1, size: 100).isEmpty)
        let second = try await cache.destination(for: a2, fileName: "../../evil")
        #expect(second.hasSuffix("/versions/\(a2.id)/evil"))
        try Data(count: 100).write(to: URL(fileURLWithPath: second))
        #expect(try await cache.commit(model: "ns/a", key: a2, size: 100) == [a1.id])
        #expect(!FileManager.default.fileExists(atPath: first))
        #expect(await cache.currentDirectory(model: "ns/a") == "\(dir.path)/versions/\(a2.id)")
        // Reopened, the index survives.
        let reopened = try await ModelCache(root: dir.path, limitBytes: 150)
        #expect(await reopened.snapshot.current["ns/a"] == a2.id)
        #expect(ModelCache.safeFileName("...") == "model")
    }
}
