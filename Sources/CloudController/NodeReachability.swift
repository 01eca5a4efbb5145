package import EdgeAIAPI
package import JSON

/// The `NodeReachable` condition of Datasets, from their node's EdgeNode. Pure.
///
/// A Dataset whose node is offline past the grace period carries `NodeReachable=False`, reason
/// `NodeOffline`, since the time the node went silent; one whose node never connected (no
/// EdgeNode, or one still `Pending`) `NodeReachable=False`, reason `NodeNeverConnected`. While the
/// node is online (or within its grace period) the condition is absent: its status is the
/// node's own report.
package enum NodeReachability {
    /// The condition a Dataset on `nodeName` should carry, or nil when none.
    package static func condition(nodeName: String, node: EdgeNode?) -> Condition? {
        let phase = node?.status?.phase ?? EdgeNodePhase.pending.rawValue
        switch phase {
        case EdgeNodePhase.online.rawValue:
            return nil
        case EdgeNodePhase.offline.rawValue:
            let since = node?.status?.conditions?[type: EdgeNodeConditions.ready]?.lastTransitionTime ?? node?.status?.lastHeartbeatTime
            return Condition(
                type: EdgeNodeConditions.nodeReachable, status: "False", reason: EdgeNodeConditions.nodeOffline,
                message: "node \(nodeName) is offline" + (since.map { " since \($0.rfc3339)" } ?? "")
                    + ": the status is what it last reported",
                lastTransitionTime: since)
        default:
            return Condition(
                type: EdgeNodeConditions.nodeReachable, status: "False", reason: EdgeNodeConditions.nodeNeverConnected,
                message: "node \(nodeName) has never connected to the hub",
                lastTransitionTime: node?.metadata.creationTimestamp)
        }
    }

    /// The JSON patch that gives `dataset` the condition `condition` (nil: removes it), or nil
    /// when it already has it. It tests uid and resourceVersion, so it never overwrites a report
    /// written since the cache saw the object (the write fails and the next event retries).
    package static func patch(_ dataset: Dataset, condition: Condition?, now: Time) throws -> JSONValue? {
        let conditions = dataset.status?.conditions ?? []
        let current = conditions[type: EdgeNodeConditions.nodeReachable]
        switch (current, condition) {
        case (nil, nil): return nil
        case (let current?, let condition?)
            where current.status == condition.status && current.reason == condition.reason && current.message == condition.message:
            return nil
        default: break
        }
        var updated = conditions.filter { $0.type != EdgeNodeConditions.nodeReachable }
        if var condition {
            if condition.lastTransitionTime == nil { condition.lastTransitionTime = now }
            updated.append(condition)
        }
        var status = dataset.status ?? DatasetStatus()
        status.conditions = updated.isEmpty ? nil : updated
        // Nothing left (the condition was all there was): the status goes, as before it came.
        let set: JSONValue = status == DatasetStatus()
            ? ["op": "remove", "path": "/status"] : ["op": "add", "path": "/status", "value": try KubeJSON.value(status)]
        return [
            ["op": "test", "path": "/metadata/uid", "value": .string(dataset.metadata.uid ?? "")],
            ["op": "test", "path": "/metadata/resourceVersion", "value": .string(dataset.metadata.resourceVersion ?? "")],
            set,
        ]
    }
}
