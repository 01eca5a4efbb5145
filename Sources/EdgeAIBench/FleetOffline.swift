import EdgeAIAPI
import Foundation
import KubeClient
import Synchronization

/// The fleet's last phase: every node drops at once. Watches EdgeNodes and the fleet's Datasets
/// (opened before the drop, from a current resourceVersion) and stamps when each EdgeNode's
/// `Ready` turns Unknown (the hub's offline transition, due the grace period after the drop) and
/// when each Dataset gets `NodeReachable=False` (written per Dataset, at the controller's
/// reachability rate).
final class OfflineWatch: Sendable {
    let flippedStamps: Stamps
    let markedStamps: Stamps
    let task: Task<Void, Never>

    struct Outcome {
        /// Drop → the last EdgeNode flipped, or nil when not all flipped in time.
        var allFlippedSeconds: Double?
        var flipped: Int
        /// Drop → the last Dataset marked (of those marked in time).
        var lastMarkedSeconds: Double?
        var marked: Int
    }

    init(admin: KubeClient, namespace: String) async throws {
        var nodeOptions = ListOptions(resourceVersion: try await admin.listPage(EdgeNode.self, options: ListOptions(limit: 1)).metadata.resourceVersion)
        nodeOptions.timeoutSeconds = 1800
        let nodeStream = try await admin.watch(EdgeNode.self, options: nodeOptions)
        var datasetOptions = ListOptions(
            resourceVersion: try await admin.listPage(Dataset.self, namespace: namespace, options: ListOptions(limit: 1)).metadata.resourceVersion)
        datasetOptions.timeoutSeconds = 1800
        let datasetStream = try await admin.watch(Dataset.self, namespace: namespace, options: datasetOptions)
        let (flipped, marked) = (Stamps(), Stamps())
        self.task = Task {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        for try await event in nodeStream {
                            guard case .modified(let node) = event, let name = node.metadata.name,
                                node.status?.conditions?[type: EdgeNodeConditions.ready]?.status == "Unknown"
                            else { continue }
                            let now = monotonicNanos()
                            flipped.map.withLock { if $0[name] == nil { $0[name] = now } }
                        }
                    } catch {}
                }
                group.addTask {
                    do {
                        for try await event in datasetStream {
                            guard case .modified(let dataset) = event, let name = dataset.metadata.name,
                                dataset.status?.conditions?[type: EdgeNodeConditions.nodeReachable]?.status == "False"
                            else { continue }
                            let now = monotonicNanos()
                            marked.map.withLock { if $0[name] == nil { $0[name] = now } }
                        }
                    } catch {}
                }
            }
        }
        self.flippedStamps = flipped
        self.markedStamps = marked
    }

    /// Waits until `nodes` EdgeNodes flipped (at most `flipTimeout` after `droppedAt`), then until
    /// `datasets` Datasets are marked (at most `markTimeout` after `droppedAt`).
    func wait(nodes: Int, datasets: Int, droppedAt: UInt64, flipTimeout: Duration, markTimeout: Duration) async throws -> Outcome {
        let start = ContinuousClock.now
        while start.duration(to: .now) < flipTimeout, flippedStamps.map.withLock({ $0.count }) < nodes {
            try await Task.sleep(for: .milliseconds(20))
        }
        while start.duration(to: .now) < markTimeout, markedStamps.map.withLock({ $0.count }) < datasets {
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        let flips = flippedStamps.map.withLock { $0 }
        let marks = markedStamps.map.withLock { $0 }
        func seconds(_ t: UInt64?) -> Double? { t.map { Double($0 &- droppedAt) / 1e9 } }
        return Outcome(
            allFlippedSeconds: flips.count >= nodes ? seconds(flips.values.max()) : nil, flipped: flips.count,
            lastMarkedSeconds: seconds(marks.values.max()), marked: marks.count)
    }
}
