import EdgeAIAPI
import EdgeSync

extension EdgeNode {
    /// The Prometheus text for `/metrics`: the state gauges set from what the node holds now,
    /// then every metric of the agent's registry. No file system access.
    package func metricsText() async -> String {
        var byReason: [String: Int] = [:]
        for entry in held.values {
            guard case .dataset = entry.object else { continue }
            let status = entry.status ?? entry.local.reportedStatus
            let reason = status?.conditions?[type: "Ready"]?.reason ?? "Pending"
            byReason[reason, default: 0] += 1
        }
        let now = ContinuousClock.now
        let oldest = pending.values.map(\.since).min().map { now - $0 }
        let link = await uplink?.linkStatus()
        let metrics = monitor.metrics
        metrics.set(AgentMetrics.Gauges(
            datasetsByReason: byReason, pool: monitor.poolSnapshot, watches: await monitor.watchCount,
            unwatched: monitor.unwatchedCount, outboxReports: pending.count, oldestReportAge: oldest, link: link,
            monitorProblem: monitor.health.problem()))
        return metrics.render()
    }
}
