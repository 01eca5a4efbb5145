import EdgeAICloudTesting
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle

/// The shared in-process API server (stop and start again on the same data).
typealias TestCluster = EmbeddedAPI

extension EmbeddedAPI {
    convenience init(
        compaction: CompactionPolicy = .default, compactionInterval: Duration = .seconds(60),
        bookmarkInterval: Duration = .seconds(60)
    ) throws {
        var options = EmbeddedAPI.Options()
        options.compaction = compaction
        options.compactionInterval = compactionInterval
        options.bookmarkInterval = bookmarkInterval
        try self.init(prefix: "kubeclient-test", options: options)
    }
}

/// A tiny lock-protected box for test state.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}

func sampleDataset(_ name: String, namespace: String = "default", node: String = "edge0") -> Dataset {
    Dataset(
        metadata: ObjectMeta(name: name, namespace: namespace),
        spec: DatasetSpec(dataUrl: "/data/\(name)", format: "txt", nodeName: node))
}
