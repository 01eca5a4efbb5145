import EdgeAICore
import EdgeAIAPI
import JSON
import KubeClient
import Logging
import Synchronization

/// Keeps Datasets' `NodeReachable` condition in step with their node's EdgeNode
/// (``NodeReachability``), from the informers' caches.
///
/// Level-triggered: a key in (a Dataset changed, or every Dataset of a node whose EdgeNode
/// changed), the Dataset and EdgeNode re-read from the caches, one patch when they disagree. A
/// node connected to the hub right now is reachable whatever its EdgeNode says yet (its first
/// status write may trail the connect), so a Dataset created meanwhile is not marked.
/// Keys are deduplicated while queued; writes are bounded by a token bucket; a failed write is
/// queued again after a second (a conflict is retried by the update event it implies).
final class ReachabilityReconciler: Sendable {
    let client: KubeClient
    let datasets: Informer<Dataset>
    let nodes: Informer<EdgeNode>
    /// Whether the node is online as this hub sees it now: connected, or within its grace
    /// period (its EdgeNode, in the cache, may not say so yet).
    let isConnected: @Sendable (String) async -> Bool
    let logger: Logger
    /// Datasets queued and not yet reconciled: each is in ``queue`` at most once, so the queue
    /// never holds more than the cluster's Datasets.
    private let pending = Mutex<Set<ObjectKeyName>>([])
    private let queue: AsyncStream<ObjectKeyName>
    private let continuation: AsyncStream<ObjectKeyName>.Continuation
    private let writesPerSecond: Double

    init(
        client: KubeClient, datasets: Informer<Dataset>, nodes: Informer<EdgeNode>, isConnected: @escaping @Sendable (String) async -> Bool,
        writesPerSecond: Double = 100, logger: Logger
    ) {
        self.isConnected = isConnected
        self.client = client
        self.datasets = datasets
        self.nodes = nodes
        self.logger = logger
        self.writesPerSecond = writesPerSecond
        (queue, continuation) = AsyncStream.makeStream(of: ObjectKeyName.self)
    }

    func enqueue(_ key: ObjectKeyName) {
        guard pending.withLock({ $0.insert(key).inserted }) else { return }
        continuation.yield(key)
    }

    /// Every Dataset on `node`.
    func enqueue(node: String) {
        for dataset in datasets.byIndex(CloudController.nodeIndex, node) { enqueue(dataset.key) }
    }

    func finish() { continuation.finish() }

    func run() async {
        var bucket = TokenBucket<ContinuousClock.Instant>(ratePerSecond: writesPerSecond, burst: Int(writesPerSecond))
        try? await datasets.waitForSync()
        try? await nodes.waitForSync()
        for await key in queue {
            _ = pending.withLock { $0.remove(key) }
            guard let dataset = datasets.get(key), dataset.metadata.deletionTimestamp == nil, !dataset.spec.nodeName.isEmpty else { continue }
            let node = nodes.get(namespace: "", name: dataset.spec.nodeName)
            let connected = await isConnected(dataset.spec.nodeName)
            let condition = connected ? nil : NodeReachability.condition(nodeName: dataset.spec.nodeName, node: node)
            guard let patch = try? NodeReachability.patch(dataset, condition: condition, now: Time.now()) else { continue }
            let wait = bucket.reserve(now: .now)
            if wait > .zero { try? await Task.sleep(for: wait) }
            do {
                _ = try await client.patch(Dataset.self, namespace: key.namespace, name: key.name, patch, type: .json, subresource: "status")
            } catch let error as KubeError where error.isInvalid || error.isNotFound {
                // Changed or gone since the cache saw it: the informer's event brings it back.
            } catch {
                logger.debug("could not write NodeReachable", metadata: ["dataset": "\(key)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                enqueue(key)
            }
        }
    }
}
