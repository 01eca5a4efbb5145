import EdgeAIAPI
import JSON
import KubeClient

/// Waits until the plan's Deployments and DaemonSets have rolled out, printing a line whenever a
/// workload's progress changes (`deployment.apps/edgeai-cloud: 0/1 updated, 0/1 available`).
struct RolloutWait {
    let kube: KubeClient
    let timeout: Duration

    /// How a workload's status reads: done, and the progress line. Pure.
    static func progress(_ object: JSONValue) -> (done: Bool, line: String) {
        let status = object["status"]
        let generation = object["metadata"]?["generation"]?.intValue ?? 0
        let observed = status?["observedGeneration"]?.intValue ?? 0
        if object["kind"]?.stringValue == "DaemonSet" {
            let desired = status?["desiredNumberScheduled"]?.intValue ?? 0
            let updated = status?["updatedNumberScheduled"]?.intValue ?? 0
            let available = status?["numberAvailable"]?.intValue ?? 0
            let done = observed >= generation && updated >= desired && available >= desired
            let nodes = desired == 0 ? " (no node is labelled node-role.kubernetes.io/edge yet)" : ""
            return (done, "\(updated)/\(desired) updated, \(available)/\(desired) available\(nodes)")
        }
        let wanted = object["spec"]?["replicas"]?.intValue ?? 1
        let updated = status?["updatedReplicas"]?.intValue ?? 0
        let available = status?["availableReplicas"]?.intValue ?? 0
        let done = observed >= generation && updated >= wanted && available >= wanted
        return (done, "\(updated)/\(wanted) updated, \(available)/\(wanted) available")
    }

    func run(_ plan: InstallPlan) async throws {
        let workloads = plan.items.filter { $0.type.kind == "Deployment" || $0.type.kind == "DaemonSet" }
        let deadline = ContinuousClock.now + timeout
        var last: [String: String] = [:]
        var pending = workloads
        while !pending.isEmpty {
            var still: [InstallPlan.Item] = []
            for item in pending {
                let object = try await kube.get(item.type, namespace: item.namespace, name: item.name)
                let (done, line) = Self.progress(object)
                if last[item.display] != line {
                    last[item.display] = line
                    writeOutput("\(item.display): \(line)\n")
                }
                if done { writeOutput("\(item.display) rolled out\n") } else { still.append(item) }
            }
            pending = still
            if pending.isEmpty { break }
            guard ContinuousClock.now < deadline else {
                throw CLIError("rollout not finished after \(timeout.components.seconds) s: \(pending.map(\.display).joined(separator: ", ")) (kubectl -n <namespace> describe shows why)")
            }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
