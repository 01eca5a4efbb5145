import CoreMetrics
import DatasetScan
package import Prometheus

/// The edge agent's Prometheus metrics, in a registry of its own (no global metrics system),
/// served at `/metrics` on the local API.
///
/// Counters and the scan-duration histogram are recorded as things happen; the gauges
/// (datasets by Ready reason, scan pool, inotify, outbox, hub link) are set from the agent's
/// state just before each scrape (``EdgeNode/metricsText()``).
package struct AgentMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    let scanDuration: CoreMetrics.Timer
    let scanBytes: CoreMetrics.Counter
    let scansCounted: CoreMetrics.Counter
    let scansFailed: CoreMetrics.Counter
    let scansStalled: CoreMetrics.Counter
    let modelChecks: CoreMetrics.Counter
    let factory: PrometheusMetricsFactory

    /// The `Ready` reasons a dataset can be in (`Pending`: not looked at yet).
    static let reasons = [
        "Counted", "NotFound", "PermissionDenied", "NotAllowed", "UnsupportedFormat", "ParseError", "IOError", "Pending",
    ]
    static let linkStates = ["disconnected", "connecting", "syncing", "live", "stopped"]

    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .seconds(1),
            .seconds(5), .seconds(30), .seconds(120),
        ]
        self.factory = factory
        scanDuration = CoreMetrics.Timer(label: "edgeai_agent_scan_duration_seconds", factory: factory)
        scanBytes = CoreMetrics.Counter(label: "edgeai_agent_scan_bytes_total", factory: factory)
        scansCounted = CoreMetrics.Counter(label: "edgeai_agent_scans_total", dimensions: [("outcome", "counted")], factory: factory)
        scansFailed = CoreMetrics.Counter(label: "edgeai_agent_scans_total", dimensions: [("outcome", "failed")], factory: factory)
        scansStalled = CoreMetrics.Counter(label: "edgeai_agent_scans_total", dimensions: [("outcome", "stalled")], factory: factory)
        modelChecks = CoreMetrics.Counter(label: "edgeai_agent_model_checks_total", factory: factory)
    }

    func scanned(_ outcome: DatasetLook.Outcome) {
        scanDuration.recordNanoseconds(ScanPool.nanoseconds(outcome.duration))
        scanBytes.increment(by: outcome.bytesScanned)
        if case .scanned = outcome.observation { scansCounted.increment() } else { scansFailed.increment() }
    }

    func stalled() { scansStalled.increment() }
    func modelChecked() { modelChecks.increment() }

    /// The state gauges, as read just before a scrape.
    struct Gauges {
        var datasetsByReason: [String: Int] = [:]
        var pool: ScanPool.Snapshot
        var watches: Int
        var unwatched: Int
        var outboxReports: Int
        var oldestReportAge: Duration?
        /// Nil without a hub client (offline agent).
        var link: (state: String, connectAttempts: Int)?
        var monitorProblem: String?
    }

    func set(_ gauges: Gauges) {
        for reason in Self.reasons {
            gauge("edgeai_agent_datasets", [("reason", reason)]).record(gauges.datasetsByReason[reason] ?? 0)
        }
        gauge("edgeai_agent_scan_workers").record(gauges.pool.workers)
        gauge("edgeai_agent_scan_workers_busy").record(gauges.pool.busy)
        gauge("edgeai_agent_scan_queue").record(gauges.pool.queued)
        gauge("edgeai_agent_scan_workers_stuck").record(gauges.pool.writtenOff)
        gauge("edgeai_agent_scan_workers_written_off").record(gauges.pool.writtenOffTotal)
        gauge("edgeai_agent_inotify_watches").record(gauges.watches)
        gauge("edgeai_agent_datasets_unwatched").record(gauges.unwatched)
        gauge("edgeai_agent_outbox_reports").record(gauges.outboxReports)
        let age = gauges.oldestReportAge.map { Double(ScanPool.nanoseconds($0)) / 1e9 } ?? 0
        gauge("edgeai_agent_outbox_oldest_report_age_seconds").record(age)
        if let link = gauges.link {
            for state in Self.linkStates {
                gauge("edgeai_agent_hub_link_state", [("state", state)]).record(state == link.state ? 1 : 0)
            }
            gauge("edgeai_agent_hub_connect_attempts").record(link.connectAttempts)
        }
        gauge("edgeai_agent_healthy").record(gauges.monitorProblem == nil ? 1 : 0)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }

    /// The Prometheus text exposition.
    package func render() -> String { registry.emitToString() }
}
