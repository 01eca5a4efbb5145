import ArgumentParser
import AsyncHTTPClient
import Dashboard
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAICore
import EdgeAIPKI
import Foundation
import JSON
import KubeClient
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// `edgeai-bench dashboard`: the dashboard in front of the embedded API server (both in this
/// process) holding `--nodes` EdgeNodes and `--datasets` Datasets. Each page is timed against
/// its reference in the same run: the one API list call behind it (the same selector, limit and
/// continue token), made directly. The live view is timed from a status patch to the page's
/// server-sent event, against a plain API watch seeing the same patch. The process's RSS is
/// read before the dashboard serves anything and after every measure (20 open streams included).
struct DashboardBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Dashboard pages and live updates over a large fleet, against the API calls behind them.")

    @Option(help: "EdgeNodes created (labelled site=site-<n mod 100>).") var nodes = 10_000
    @Option(help: "Datasets created (spread over the nodes).") var datasets = 100_000
    @Option(help: "Timed requests per page.") var requests = 40
    @Option(help: "Status patches timed through the live view and through the reference watch.") var patches = 40
    @Option(help: "Concurrent clients while creating the objects.") var clients = 16

    func run() async throws {
        let api = try EmbeddedAPI(prefix: "edgeai-bench-dashboard")
        let port = try await api.start()
        // The test kit's client stops at 1,000 requests/s; the setup should not wait on that.
        var adminConfig = api.config()
        adminConfig.qps = 50_000
        adminConfig.burst = 50_000
        let admin = try KubeClient(config: adminConfig)
        let start = ContinuousClock.now
        try await populate(admin)
        say(String(format: "created %d EdgeNodes and %d Datasets in %.1f s", nodes, datasets, (ContinuousClock.now - start).seconds))
        let rssBefore = Self.rss()

        var configuration = DashboardConfiguration(apiServer: {
            KubeConfig(server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(api.credentials.certificateAuthority.certificatePEM.utf8))
        })
        configuration.port = 0
        let (listening, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        configuration.onListening = { port, _ in continuation.yield(port) }
        var logger = Logger(label: "bench.dashboard")
        logger.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: [Dashboard(configuration: configuration, logger: logger)], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var ports = listening.makeAsyncIterator()
        guard let uiPort = await ports.next() else { throw ValidationError("the dashboard did not start") }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.redirectConfiguration = .disallow
        let ui = UIClient(base: "http://127.0.0.1:\(uiPort)", http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration))
        do {
            try await ui.signIn(token: api.credentials.adminToken)
            try await measure(ui: ui, admin: admin, rssBefore: rssBefore)
        } catch {
            say("failed: \(error)")
        }
        try? await ui.http.shutdown()
        try? await admin.shutdown()
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await api.remove()
    }

    private func populate(_ admin: KubeClient) async throws {
        let nodeCount = nodes
        try await Self.concurrently(nodes, clients: clients) { index in
            _ = try await admin.create(EdgeNode(metadata: ObjectMeta(name: "edge-\(index)", labels: ["site": "site-\(index % 100)"]), spec: EdgeNodeSpec()))
        }
        try await Self.concurrently(datasets, clients: clients) { index in
            _ = try await admin.create(Dataset(
                metadata: ObjectMeta(name: "ds-\(index)", namespace: "default", labels: ["team": "team-\(index % 20)"]),
                spec: DatasetSpec(dataUrl: "/data/ds-\(index).txt", format: "txt", nodeName: "edge-\(index % max(nodeCount, 1))")))
        }
    }

    private func measure(ui: UIClient, admin: KubeClient, rssBefore: Double) async throws {
        let limit = 100  // the dashboard's page size (PageQuery.defaultLimit)
        // The continue token of the 20th page of datasets, as a user paging on would hold it.
        var token: String?
        for _ in 0..<19 {
            token = try await admin.listPage(Dataset.resourceType, options: ListOptions(limit: limit, continue: token))["metadata"]?["continue"]?.stringValue
        }
        let deepToken = try token ?? { throw ValidationError("fewer than 20 pages of datasets") }()
        let middleNode = "edge-\(nodes / 2)"
        let pages: [(name: String, path: String, resource: ResourceType, options: ListOptions)] = [
            ("fleet, first page", "/ui/fleet", EdgeNode.resourceType, ListOptions(limit: limit)),
            ("fleet, label site=site-7", "/ui/fleet?labelSelector=site%3Dsite-7", EdgeNode.resourceType, ListOptions(labelSelector: "site=site-7", limit: limit)),
            ("datasets, first page", "/ui/datasets", Dataset.resourceType, ListOptions(limit: limit)),
            ("datasets, page 20", "/ui/datasets?continue=" + UIClient.escape(deepToken), Dataset.resourceType, ListOptions(limit: limit, continue: deepToken)),
            ("datasets of one node (field selector)", "/ui/datasets?fieldSelector=spec.nodeName%3D\(middleNode)", Dataset.resourceType,
             ListOptions(fieldSelector: "spec.nodeName=\(middleNode)", limit: limit)),
            ("datasets, label team=team-3", "/ui/datasets?labelSelector=team%3Dteam-3", Dataset.resourceType, ListOptions(labelSelector: "team=team-3", limit: limit)),
        ]
        say("| page (\(nodes) nodes, \(datasets) datasets) | dashboard p50 / p99 (ms) | API list behind it p50 / p99 (ms) | ratio p50 | rows |")
        say("| --- | --- | --- | --- | --- |")
        for page in pages {
            var rows = 0
            let uiTimes = try await Self.timed(requests) {
                let reply = try await ui.get(page.path)
                guard reply.status == 200 else { throw ValidationError("\(page.path): HTTP \(reply.status)") }
                // Rows with an object (the page also holds an empty template row).
                rows = reply.body.components(separatedBy: "<tr data-key=\"").count - reply.body.components(separatedBy: "<tr data-key=\"\"").count
            }
            let apiTimes = try await Self.timed(requests) {
                _ = try await admin.listPage(page.resource, options: page.options)
            }
            say("| \(page.name) | \(f(p(uiTimes, 0.5), 2)) / \(f(p(uiTimes, 0.99), 2)) | \(f(p(apiTimes, 0.5), 2)) / \(f(p(apiTimes, 0.99), 2)) | \(f(p(uiTimes, 0.5) / p(apiTimes, 0.5), 2)) | \(rows) |")
        }

        // Live: 20 viewers hold the datasets page's stream; one of them is timed.
        let page = try await ui.get("/ui/datasets")
        guard let streamPath = UIClient.attribute("data-stream", in: page.body)?.replacingOccurrences(of: "&amp;", with: "&") else {
            throw ValidationError("the datasets page names no live stream")
        }
        var streams: [HTTPClientResponse] = []
        for _ in 0..<20 { streams.append(try await ui.open(streamPath)) }
        var timedStream = streams[0].body.makeAsyncIterator()
        var live: [Double] = []
        var text = ""
        for value in 1...patches {
            let sent = ContinuousClock.now
            _ = try await admin.patch(Dataset.resourceType, namespace: "default", name: "ds-0", ["status": ["numberOfSamples": .int(Int64(value))]],
                                      type: .merge, subresource: "status")
            while !text.contains("\"samples\":\(value)") {
                guard let chunk = try await timedStream.next() else { throw ValidationError("the live stream ended") }
                text += String(buffer: chunk)
            }
            live.append((ContinuousClock.now - sent).milliseconds)
            text = ""
        }
        let rssStreams = Self.rss()
        // Reference: a plain watch on the same collection, the same patches.
        let watch = try await admin.watch(Dataset.resourceType, options: ListOptions(fieldSelector: "metadata.name=ds-0", resourceVersion: "0"))
        var events = watch.makeAsyncIterator()
        _ = try await events.next()  // the ADDED of the current state
        var reference: [Double] = []
        for value in 1...patches {
            let sent = ContinuousClock.now
            _ = try await admin.patch(Dataset.resourceType, namespace: "default", name: "ds-0", ["status": ["numberOfSamples": .int(Int64(patches + value))]],
                                      type: .merge, subresource: "status")
            while true {
                guard let event = try await events.next() else { throw ValidationError("the reference watch ended") }
                if case .modified(let object) = event, object["status"]?["numberOfSamples"]?.intValue == Int64(patches + value) { break }
            }
            reference.append((ContinuousClock.now - sent).milliseconds)
        }
        say("| live: status patch → the page's event (20 open streams) | \(f(p(live.sorted(), 0.5), 2)) / \(f(p(live.sorted(), 0.99), 2)) | plain watch \(f(p(reference.sorted(), 0.5), 2)) / \(f(p(reference.sorted(), 0.99), 2)) | \(f(p(live.sorted(), 0.5) / p(reference.sorted(), 0.5), 2)) | |")
        say(String(format: "RSS of the process (API server + dashboard): %.1f MiB before the dashboard served anything, %.1f MiB after the pages and with 20 streams open (+%.1f MiB)",
                   rssBefore, rssStreams, rssStreams - rssBefore))
        withExtendedLifetime(streams) {}
    }

    private func p(_ sorted: [Double], _ q: Double) -> Double { BenchClient.percentile(sorted, q) }

    /// Runs `body` `count` times one after another (after 3 untimed warm-ups); sorted milliseconds.
    static func timed(_ count: Int, _ body: () async throws -> Void) async throws -> [Double] {
        for _ in 0..<3 { try await body() }
        var times: [Double] = []
        for _ in 0..<count {
            let start = ContinuousClock.now
            try await body()
            times.append((ContinuousClock.now - start).milliseconds)
        }
        return times.sorted()
    }

    /// `body(0..<count)` spread over `clients` tasks.
    static func concurrently(_ count: Int, clients: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for index in stride(from: client, to: count, by: clients) { try await body(index) }
                }
            }
            try await group.waitForAll()
        }
    }

    static func rss() -> Double { APIBenchmark.rssMegabytes(pid: getpid()) ?? 0 }
}

/// A browser's view of the dashboard: one session cookie, no redirects followed.
private final class UIClient: Sendable {
    let base: String
    let http: HTTPClient
    private let cookie = Mutex<String?>(nil)

    init(base: String, http: HTTPClient) {
        self.base = base
        self.http = http
    }

    func signIn(token: String) async throws {
        var request = HTTPClientRequest(url: base + "/ui/login")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "token=" + Self.escape(token)))
        let response = try await http.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        let session = response.headers["Set-Cookie"].first { $0.hasPrefix("edgeai_session=") }?.prefix { $0 != ";" }
        guard let session else { throw ValidationError("the dashboard refused the admin token (HTTP \(response.status.code))") }
        cookie.withLock { $0 = String(session) }
    }

    func get(_ path: String) async throws -> (status: UInt, body: String) {
        let response = try await open(path)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, String(buffer: bytes))
    }

    func open(_ path: String) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: base + path)
        if let cookie = cookie.withLock({ $0 }) { request.headers.add(name: "Cookie", value: cookie) }
        return try await http.execute(request, timeout: .seconds(120))
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    static func attribute(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: name + "=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
