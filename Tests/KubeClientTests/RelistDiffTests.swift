import EdgeAIAPI
import Testing

@testable import KubeClient

func dataset(_ name: String, ns: String = "default", rv: String, uid: String? = nil, node: String = "edge0") -> Dataset {
    var meta = ObjectMeta(name: name, namespace: ns)
    meta.resourceVersion = rv
    meta.uid = uid ?? "uid-\(ns)-\(name)"
    return Dataset(metadata: meta, spec: DatasetSpec(dataUrl: "/data/\(name)", format: "txt", nodeName: node))
}

@Suite(.timeLimit(.minutes(5)))
struct RelistDiffTests {
    @Test func emitsExactlyTheDifference() {
        let cached = [dataset("keep", rv: "1"), dataset("change", rv: "2"), dataset("gone", rv: "3"), dataset("recreated", rv: "4")]
        let listed = [
            dataset("keep", rv: "1"), dataset("change", rv: "7"), dataset("new", rv: "8"),
            dataset("recreated", rv: "9", uid: "other-uid"),
        ]
        let events = relistDiff(cached: Dictionary(uniqueKeysWithValues: cached.map { ($0.key, $0) }), listed: listed)
        #expect(events == [
            .deleted(cached[2]),
            .updated(old: cached[1], new: listed[1]),
            .added(listed[2]),
            .deleted(cached[3]), .added(listed[3]),
        ])
    }

    @Test func identicalStateEmitsNothing() {
        let objects = (0..<50).map { dataset("d\($0)", rv: "\($0)") }
        #expect(relistDiff(cached: Dictionary(uniqueKeysWithValues: objects.map { ($0.key, $0) }), listed: objects).isEmpty)
    }

    @Test func applyingTheDiffReproducesTheList() {
        // Property: for random before/after states, cache ∘ diff == listed.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let before = (0..<20).filter { _ in Bool.random(using: &generator) }.map { dataset("o\($0)", ns: "n\($0 % 3)", rv: "\(Int.random(in: 1...3))") }
            let after = (0..<20).filter { _ in Bool.random(using: &generator) }.map { dataset("o\($0)", ns: "n\($0 % 3)", rv: "\(Int.random(in: 1...3))") }
            var cache = ObjectCache<Dataset>()
            for o in before { cache.upsert(o) }
            for event in relistDiff(cached: cache.items, listed: after) {
                switch event {
                case .added(let o):
                    #expect(cache[o.key] == nil)
                    cache.upsert(o)
                case .updated(let old, let new):
                    #expect(cache[old.key] == old && old.metadata.resourceVersion != new.metadata.resourceVersion)
                    cache.upsert(new)
                case .deleted(let o):
                    #expect(cache.remove(o.key) == o)
                }
            }
            #expect(cache.items == Dictionary(uniqueKeysWithValues: after.map { ($0.key, $0) }))
        }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct ObjectCacheTests {
    @Test func indexesByNamespaceAndCustomFunction() {
        var cache = ObjectCache<Dataset>(indexers: ["node": { [$0.spec.nodeName] }])
        cache.upsert(dataset("a", ns: "x", rv: "1", node: "edge0"))
        cache.upsert(dataset("b", ns: "x", rv: "1", node: "edge1"))
        cache.upsert(dataset("c", ns: "y", rv: "1", node: "edge0"))
        #expect(cache.keys(index: "namespace", value: "x").map(\.name) == ["a", "b"])
        #expect(cache.keys(index: "node", value: "edge0").map(\.description) == ["x/a", "y/c"])
        // Moving an object re-indexes it; removing it drops it from every index.
        cache.upsert(dataset("a", ns: "x", rv: "2", node: "edge1"))
        #expect(cache.keys(index: "node", value: "edge0").map(\.description) == ["y/c"])
        #expect(cache.keys(index: "node", value: "edge1").map(\.description) == ["x/a", "x/b"])
        cache.remove(ObjectKeyName(namespace: "y", name: "c"))
        #expect(cache.objects(index: "node", value: "edge0").isEmpty)
        #expect(cache.objects(index: "namespace", value: "y").isEmpty)
        #expect(cache.count == 2)
    }
}
