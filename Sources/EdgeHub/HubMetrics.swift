import CoreMetrics
package import Prometheus

/// The hub's Prometheus metrics, in a registry of its own (no global metrics system), served at
/// `/metrics`.
package struct HubMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    let connectedNodes: CoreMetrics.Gauge
    let messagesIn: CoreMetrics.Counter
    let messagesOut: CoreMetrics.Counter
    let resyncDuration: CoreMetrics.Timer
    let statusWriteDuration: CoreMetrics.Timer
    let statusWritesApplied: CoreMetrics.Counter
    let statusWritesRefused: CoreMetrics.Counter
    let statusWritesFailed: CoreMetrics.Counter
    let refusedReports: CoreMetrics.Counter
    let unauthorized: CoreMetrics.Counter
    let protocolErrors: CoreMetrics.Counter
    let routedChanges: CoreMetrics.Counter

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        connectedNodes = CoreMetrics.Gauge(label: "edgeai_hub_connected_nodes", factory: factory)
        messagesIn = CoreMetrics.Counter(label: "edgeai_hub_messages_in_total", factory: factory)
        messagesOut = CoreMetrics.Counter(label: "edgeai_hub_messages_out_total", factory: factory)
        resyncDuration = CoreMetrics.Timer(label: "edgeai_hub_resync_duration_seconds", factory: factory)
        statusWriteDuration = CoreMetrics.Timer(label: "edgeai_hub_status_write_duration_seconds", factory: factory)
        statusWritesApplied = CoreMetrics.Counter(label: "edgeai_hub_status_writes_total", dimensions: [("outcome", "applied")], factory: factory)
        statusWritesRefused = CoreMetrics.Counter(label: "edgeai_hub_status_writes_total", dimensions: [("outcome", "refused")], factory: factory)
        statusWritesFailed = CoreMetrics.Counter(label: "edgeai_hub_status_writes_total", dimensions: [("outcome", "failed")], factory: factory)
        refusedReports = CoreMetrics.Counter(label: "edgeai_hub_refused_reports_total", factory: factory)
        unauthorized = CoreMetrics.Counter(label: "edgeai_hub_unauthorized_total", factory: factory)
        protocolErrors = CoreMetrics.Counter(label: "edgeai_hub_protocol_errors_total", factory: factory)
        routedChanges = CoreMetrics.Counter(label: "edgeai_hub_routed_changes_total", factory: factory)
    }

    /// The Prometheus text exposition.
    package func render() -> String { registry.emitToString() }
}
