import CloudController
import EdgeAIAPI
import EdgeSync
import Foundation
import HubClient
import KubeClient
import Logging
import Synchronization

/// Dataset create (request sent) → stored on its node, for `count` creates paced at `rate`/s;
/// the reference is a plain watch on the same namespace receiving the same creates.
struct CreateLatency {
    let admin: KubeClient
    let logger: Logger

    struct Outcome {
        var hub: Latencies
        var watch: Latencies
        var missed: Int
    }

    func measure(count: Int, nodes: Int, rate: Double, recorder: FleetRecorder) async throws -> Outcome {
        let namespace = FleetBenchmark.namespace
        let listed = try await admin.listPage(Dataset.self, namespace: namespace, options: ListOptions(limit: 1))
        var options = ListOptions(resourceVersion: listed.metadata.resourceVersion)
        options.timeoutSeconds = 600
        let stream = try await admin.watch(Dataset.self, namespace: namespace, options: options)
        let watched = Stamps()
        let sent = Stamps()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await event in stream {
                    if case .added(let dataset) = event, let name = dataset.metadata.name, name.hasPrefix("new-") {
                        let now = monotonicNanos()
                        let done = watched.map.withLock { w in
                            w[name] = now
                            return w.count >= count
                        }
                        if done { return }
                    }
                }
            }
            let start = ContinuousClock.now
            try await withThrowingDiscardingTaskGroup { creators in
                for i in 0..<count {
                    try await Task.sleep(until: start.advanced(by: .seconds(Double(i) / rate)))
                    creators.addTask {
                        let name = "new-\(i)"
                        let dataset = Dataset(
                            metadata: ObjectMeta(name: name, namespace: namespace),
                            spec: DatasetSpec(dataUrl: "/data/\(name).txt", format: "txt", nodeName: "node-\(i % nodes)"))
                        let at = monotonicNanos()
                        sent.map.withLock { $0[name] = at }
                        _ = try await admin.create(dataset)
                    }
                }
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while ContinuousClock.now < deadline {
                let stored = (0..<count).allSatisfy { recorder.storedAt("new-\($0)") != nil }
                if stored && watched.map.withLock({ $0.count >= count }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        let sentAt = sent.map.withLock { $0 }
        let watchAt = watched.map.withLock { $0 }
        var hub: [Double] = []
        var watch: [Double] = []
        var missed = 0
        for (name, t0) in sentAt {
            if let t1 = recorder.storedAt(name) { hub.append(Double(t1 &- t0) / 1e6) } else { missed += 1 }
            if let t1 = watchAt[name] { watch.append(Double(t1 &- t0) / 1e6) }
        }
        return Outcome(hub: Latencies(hub), watch: Latencies(watch), missed: missed)
    }
}

/// Edge report (handed to the hub client) → answered `applied` (the status write succeeded), for
/// `count` reports paced at `rate`/s; the reference is the same JSON patch sent directly.
struct ReportLatency {
    let admin: KubeClient

    struct Outcome {
        var hub: Latencies
        var direct: Latencies
        var missed: Int
    }

    func measure(
        count: Int, nodes: Int, rate: Double, clients: [HubClient], stores: [FleetStore], recorder: FleetRecorder
    ) async throws -> Outcome {
        let sent = Stamps()
        let start = ContinuousClock.now
        await withDiscardingTaskGroup { reporters in
            for k in 0..<count {
                try? await Task.sleep(until: start.advanced(by: .seconds(Double(k) / rate)))
                let node = k % nodes
                guard let object = stores[node].object(named: "ds-\(k)") else { continue }
                let report = StatusReport(
                    reportID: "rep-\(k)", ref: object.ref,
                    status: .dataset(DatasetStatus(numberOfSamples: Int64(k + 1), updateTime: Time.now())))
                reporters.addTask {
                    let at = monotonicNanos()
                    sent.map.withLock { $0[report.reportID] = at }
                    stores[node].put(report)
                    await clients[node].report(report)
                }
            }
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline, recorder.resolvedCount < sent.map.withLock({ $0.count }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        var hub: [Double] = []
        var missed = 0
        for (id, t0) in sent.map.withLock({ $0 }) {
            if let t1 = recorder.resolvedAt(id) { hub.append(Double(t1 &- t0) / 1e6) } else { missed += 1 }
        }

        // The reference: the same patch from a plain client, to other datasets.
        let direct = Samples()
        let directStart = ContinuousClock.now
        try await withThrowingDiscardingTaskGroup { writers in
            for k in count..<(2 * count) {
                try await Task.sleep(until: directStart.advanced(by: .seconds(Double(k - count) / rate)))
                let name = "ds-\(k)"
                writers.addTask {
                    let current = try await admin.get(Dataset.self, namespace: FleetBenchmark.namespace, name: name)
                    let patch = try StatusPatch.dataset(
                        uid: current.metadata.uid ?? "", status: DatasetStatus(numberOfSamples: Int64(k), updateTime: Time.now()))
                    let t0 = monotonicNanos()
                    _ = try await admin.patch(
                        Dataset.resourceType, namespace: FleetBenchmark.namespace, name: name, patch, type: .json, subresource: "status")
                    let elapsed = Double(monotonicNanos() &- t0) / 1e6
                    direct.values.withLock { $0.append(elapsed) }
                }
            }
        }
        return Outcome(hub: Latencies(hub), direct: Latencies(direct.values.withLock { $0 }), missed: missed)
    }
}

/// Timestamps by name, shared by concurrent tasks.
final class Stamps: Sendable {
    let map = Mutex<[String: UInt64]>([:])
}

/// Latencies in milliseconds, shared by concurrent tasks.
final class Samples: Sendable {
    let values = Mutex<[Double]>([])
}
