package import EdgeAIAPI
package import EdgeSync
package import JSON

/// How a status report becomes a JSON patch (RFC 6902) to `…/status`. Pure.
///
/// Every patch starts with `test /metadata/uid`, so a report about a deleted-and-recreated object
/// fails with 422 instead of landing on the new one (a real kube-apiserver ignores a uid inside a
/// merge patch to `/status`, but honours a failed `test`).
package enum StatusPatch {
    /// A Dataset's status is the node's alone: test the uid, then set `/status`.
    package static func dataset(uid: String, status: DatasetStatus) throws -> JSONValue {
        [
            ["op": "test", "path": "/metadata/uid", "value": .string(uid)],
            ["op": "add", "path": "/status", "value": try KubeJSON.value(status)],
        ]
    }

    /// A Model's status is shared by every node: test the uid and the resourceVersion the merge
    /// was computed from (a concurrent writer makes the patch fail, and the write is retried),
    /// then set `/status`.
    package static func model(uid: String, resourceVersion: String, status: ModelStatus) throws -> JSONValue {
        [
            ["op": "test", "path": "/metadata/uid", "value": .string(uid)],
            ["op": "test", "path": "/metadata/resourceVersion", "value": .string(resourceVersion)],
            ["op": "add", "path": "/status", "value": try KubeJSON.value(status)],
        ]
    }

    /// `current` with one node's report merged in: each reported metric replaces the value of
    /// its key (others are kept, sorted by key), the node's presence entry replaces its previous
    /// one (entries sorted by node), and `updateTime` moves forward only.
    package static func merge(_ report: ModelReport, into current: ModelStatus?) -> ModelStatus {
        var status = current ?? ModelStatus()
        if let metrics = report.metrics, !metrics.isEmpty {
            var byKey: [String: String] = [:]
            for metric in status.metrics ?? [] { byKey[metric.key] = metric.value }
            for metric in metrics { byKey[metric.key] = metric.value }
            status.metrics = byKey.keys.sorted().map { ModelMetric(key: $0, value: byKey[$0] ?? "") }
        }
        if let entry = report.node {
            var nodes = (status.nodes ?? []).filter { $0.nodeName != entry.nodeName }
            nodes.append(entry)
            status.nodes = nodes.sorted { $0.nodeName < $1.nodeName }
        }
        if let time = report.updateTime, status.updateTime.map({ $0 < time }) ?? true {
            status.updateTime = time
        }
        return status
    }
}
