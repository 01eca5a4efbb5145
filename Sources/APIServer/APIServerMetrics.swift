import EdgeAIPKI
import Hummingbird
import HTTPTypes
import NIOCore
import ObjectStore
import Prometheus
import Synchronization

/// The API server's Prometheus metrics, in a registry of its own (no global metrics system),
/// served at `/metrics` to identities allowed everything (kube-apiserver's names where one exists):
///
/// - `apiserver_request_total{verb,group,version,resource,subresource,scope,component,code}`
/// - `apiserver_request_duration_seconds{verb,group,version,resource,subresource,scope,component}`
///   (time to the response head; WATCH is left out, its duration is the watch's lifetime)
/// - `apiserver_longrunning_requests{verb="WATCH",…}` open watches
/// - `apiserver_storage_objects{resource}`, `apiserver_storage_size_bytes` (database + WAL)
/// - `etcd_disk_backend_commit_duration_seconds` (one store transaction with its fsync)
/// - `edgeai_storage_wal_size_bytes`, `edgeai_storage_free_bytes`, `edgeai_storage_revision{kind}`
///
/// The request hook costs a path parse, a dictionary lookup under a lock and two atomic updates:
/// metric objects are made once per label set and cached.
final class APIServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let store: ObjectStore
    private let resources: ResourceRegistry
    private let requests = Mutex<[RequestKey: Prometheus.Counter]>([:])
    private let durations = Mutex<[RequestMetricLabels: DurationHistogram]>([:])
    private let watches = Mutex<[RequestMetricLabels: Prometheus.Gauge]>([:])
    private let commits: DurationHistogram
    private let storageSize: Prometheus.Gauge
    private let walSize: Prometheus.Gauge
    private let freeSize: Prometheus.Gauge
    private let currentRevision: Prometheus.Gauge
    private let compactRevision: Prometheus.Gauge
    /// Most label sets kept per family; beyond it, requests share one overflow series.
    static let maxSeries = 2000

    private struct RequestKey: Hashable {
        var labels: RequestMetricLabels
        var code: Int
    }

    static let requestBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(600), .milliseconds(800), .seconds(1),
        .milliseconds(1250), .milliseconds(1500), .seconds(2), .seconds(3), .seconds(4), .seconds(5), .seconds(6),
        .seconds(8), .seconds(10), .seconds(15), .seconds(20), .seconds(30), .seconds(45), .seconds(60),
    ]

    static var requestTotal: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "apiserver_request", unitName: "total",
        helpText: "Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.") }
    static var requestDuration: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "apiserver_request_duration", unitName: "seconds",
        helpText: "Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.") }
    static var longRunning: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "apiserver_longrunning", unitName: "requests", helpText: "Gauge of all active long-running apiserver requests.") }
    static var objects: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "apiserver_storage", unitName: "objects", helpText: "Number of stored objects at the time of last check split by kind.") }
    static var storageBytes: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "apiserver_storage_size", unitName: "bytes", helpText: "Size of the storage database file and its WAL on disk.") }
    static var commitDuration: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "etcd_disk_backend_commit_duration", unitName: "seconds",
        helpText: "The latency distributions of commit called by backend (one store transaction with its fsync).") }
    static var walBytes: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "edgeai_storage_wal_size", unitName: "bytes", helpText: "Size of the store's write-ahead log on disk.") }
    static var freeBytes: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "edgeai_storage_free", unitName: "bytes", helpText: "Free pages in the database file, reused by later writes.") }
    static var revision: MetricNameDescriptor { MetricNameDescriptor(
        metricName: "edgeai_storage_revision", unitName: "", helpText: "The store's current and compacted revisions.") }

    /// etcd's buckets: 1 ms doubling to 8 s.
    static let commitBuckets: [Duration] = (0..<14).map { .microseconds(1000 << $0) }

    init(store: ObjectStore, resources: ResourceRegistry) {
        self.store = store
        self.resources = resources
        commits = registry.makeDurationHistogram(descriptor: Self.commitDuration, buckets: Self.commitBuckets)
        storageSize = registry.makeGauge(descriptor: Self.storageBytes)
        walSize = registry.makeGauge(descriptor: Self.walBytes)
        freeSize = registry.makeGauge(descriptor: Self.freeBytes)
        currentRevision = registry.makeGauge(descriptor: Self.revision, labels: [("kind", "current")])
        compactRevision = registry.makeGauge(descriptor: Self.revision, labels: [("kind", "compacted")])
    }

    /// Starts recording the store's commit latency.
    func attach() async {
        let commits = self.commits
        await store.observeCommits { duration, _ in commits.record(duration) }
    }

    /// Runs `respond` and records the request: its count by code, its duration to the response
    /// head, and for a watch, the open-watch gauge until its body ends.
    func measure(_ request: Request, target: RequestTarget, _ respond: () async -> Response) async -> Response {
        let labels = RequestMetricLabels(
            method: request.method.rawValue, target: target, query: request.uri.query,
            contentType: request.headers.first(.contentType), registry: resources)
        let start = ContinuousClock.now
        var response = await respond()
        let elapsed = ContinuousClock.now - start
        counter(labels, code: response.status.code).increment()
        guard labels.isWatch, response.status.code == 200 else {
            if !labels.isWatch { histogram(labels).record(elapsed) }
            return response
        }
        let gauge = watchGauge(labels)
        let body = response.body
        response.body = ResponseBody { writer in
            gauge.increment()
            defer { gauge.decrement() }
            try await body.write(writer)
        }
        return response
    }

    /// The Prometheus text exposition, with the store's figures read now.
    func render() async -> String {
        let counts = await store.objectCounts
        for (resource, count) in counts {
            let parts = resource.split(separator: "/", maxSplits: 1)
            let name = parts.count == 2 ? "\(parts[1]).\(parts[0])" : resource
            registry.makeGauge(descriptor: Self.objects, labels: [("resource", name)]).set(Double(count))
        }
        if let size = try? await store.storageSize() {
            storageSize.set(Double(size.totalBytes))
            walSize.set(Double(size.walBytes))
            freeSize.set(Double(size.freeBytes))
        }
        currentRevision.set(Double(await store.currentRevision))
        compactRevision.set(Double(await store.compactRevision))
        return registry.emitToString()
    }

    private func counter(_ labels: RequestMetricLabels, code: Int) -> Prometheus.Counter {
        let key = RequestKey(labels: labels, code: code)
        return requests.withLock { cache in
            if let counter = cache[key] { return counter }
            let bounded = cache.count < Self.maxSeries ? key : RequestKey(labels: RequestMetricLabels(verb: "OTHER"), code: 0)
            if let counter = cache[bounded] { return counter }
            let counter = registry.makeCounter(descriptor: Self.requestTotal, labels: bounded.labels.pairs + [("code", "\(bounded.code)")])
            cache[bounded] = counter
            return counter
        }
    }

    private func histogram(_ labels: RequestMetricLabels) -> DurationHistogram {
        durations.withLock { cache in
            if let histogram = cache[labels] { return histogram }
            let bounded = cache.count < Self.maxSeries ? labels : RequestMetricLabels(verb: "OTHER")
            if let histogram = cache[bounded] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.requestDuration, labels: bounded.pairs, buckets: Self.requestBuckets)
            cache[bounded] = histogram
            return histogram
        }
    }

    private func watchGauge(_ labels: RequestMetricLabels) -> Prometheus.Gauge {
        watches.withLock { cache in
            if let gauge = cache[labels] { return gauge }
            let gauge = registry.makeGauge(descriptor: Self.longRunning, labels: labels.pairs)
            cache[labels] = gauge
            return gauge
        }
    }
}

extension APIHandler {
    /// `GET /metrics`: the Prometheus exposition, for identities allowed everything (as
    /// kube-apiserver, which asks for `get` on the non-resource URL `/metrics`).
    func metricsResponse(_ request: Request, user: UserInfo) async throws -> Response {
        guard let metrics else { throw APIError.pathNotFound() }
        guard Authorizer.mayReadMetrics(user) else {
            throw APIError.forbiddenPath(user: user.name, verb: "get", path: "/metrics")
        }
        guard request.method == .get || request.method == .head else { throw APIError.methodNotAllowed(request.method.rawValue) }
        let text = await metrics.render()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Authorizer {
    /// Metrics reveal every resource's activity: only `system:masters` reads them.
    static func mayReadMetrics(_ user: UserInfo) -> Bool {
        isAllowed(user, path: "/metrics", verb: "get")
    }
}
