import APIServer
import ArgumentParser
import CloudController
import EdgeAIAPI
import EdgeAICore
import EdgeAIPKI
import EdgeHub
import EdgeSync
import Foundation
import JSON
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle
import Synchronization

/// `edgeai-bench fleet`: the cloud (embedded API server + cloud controller + hub, in this
/// process) against `--nodes` simulated edge nodes over real TLS WebSockets (`fleet-nodes`, a
/// child process running one ``HubClient`` per node with in-memory stores).
///
/// Seeds `--datasets` Datasets (spread evenly over the nodes) and `--models` Models, reads the
/// cloud's RSS, starts the fleet and samples the RSS while it runs. The fleet measures: every
/// node connecting at once until all are live and synced; Dataset create → stored on its node
/// (reference: a plain watch receiving the same creates); edge report → answered `applied`
/// (reference: the same status patch sent directly); every node dropping and reconnecting at
/// once, with `--storm` datasets edited meanwhile, until all hold the new versions.
///
/// EdgeNodes are on, as in production: one per node is created with the seed (token
/// generation ``tokenGeneration``, the nodes' tokens carry it), the hub writes their status, and
/// the cloud samples how many EdgeNode writes it started. Two phases measure them: `--idle`
/// seconds with every node connected and nothing changing (steady-state EdgeNode writes/s), and,
/// last, every node dropping for good (each EdgeNode `Ready=Unknown` within `--grace` + 5 s, then
/// each Dataset `NodeReachable=False`).
struct FleetBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fleet", abstract: "Benchmark the cloud controller and edge hub with a simulated fleet.")
    static let namespace = "fleet"
    static let tokenGeneration: UInt64 = 1

    @Option(help: "Simulated edge nodes.") var nodes = 1000
    @Option(help: "Datasets seeded before the fleet connects.") var datasets = 10_000
    @Option(help: "Models seeded (every node holds every model).") var models = 2
    @Option(help: "Dataset creates measured.") var creates = 1000
    @Option(help: "Status reports measured.") var reports = 1000
    @Option(help: "Creates and reports per second.") var rate: Double = 200
    @Option(help: "Datasets edited while the fleet is disconnected.") var storm = 1000
    @Option(help: "Seconds of the idle phase (every node connected, nothing changing) that measures steady-state EdgeNode writes.") var idle = 120
    @Option(help: "Seconds a disconnected node stays Online (the hub's offline grace period).") var grace: Double = 20
    @Option(help: "Seconds past the grace period to wait for every Dataset's NodeReachable=False.") var markTimeout: Double = 150
    @Flag(help: "fsync every commit (the server's default); without it, process-crash-safe writes.") var durable = false

    func run() async throws {
        var logger = Logger(label: "fleet.cloud")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-fleet-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var credentials = try PKIBootstrap.ensure(dataDirectory: directory, hosts: ["127.0.0.1", "localhost"])
        let controllerToken = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        let (apiPorts, apiContinuation) = AsyncStream.makeStream(of: Int.self)
        let api = APIServer(
            configuration: APIServer.Configuration(
                dataDirectory: directory, port: 0, durability: durable ? .durable : .processCrashSafe,
                onListening: { apiContinuation.yield($0) }),
            credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [api], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var ports = apiPorts.makeAsyncIterator()
            guard let apiPort = await ports.next() else { throw ValidationError("API server did not start") }
            let apiURL = "https://127.0.0.1:\(apiPort)"
            let ca = Array(credentials.certificateAuthority.certificatePEM.utf8)
            var adminConfig = KubeConfig(server: apiURL, certificateAuthorityPEM: ca, credentials: .token(credentials.adminToken))
            adminConfig.qps = 5000
            adminConfig.burst = 5000
            let admin = try KubeClient(config: adminConfig, logger: logger)
            try await seed(admin)

            var cloudConfig = KubeConfig(server: apiURL, certificateAuthorityPEM: ca, credentials: .token(controllerToken))
            cloudConfig.qps = 5000
            cloudConfig.burst = 5000
            let cloudClient = try KubeClient(config: cloudConfig, logger: logger)
            var configuration = try CloudControllerConfiguration(credentials: credentials)
            configuration.hubHost = "127.0.0.1"
            configuration.hubPort = 0
            configuration.hub.nodes.offlineGracePeriod = .milliseconds(Int64(grace * 1000))
            let (hubPorts, hubContinuation) = AsyncStream.makeStream(of: Int.self)
            configuration.onHubListening = { hubContinuation.yield($0) }
            let controller = CloudController(configuration: configuration, client: cloudClient, logger: logger)
            let cloudGroup = ServiceGroup(configuration: .init(services: [controller], gracefulShutdownSignals: [], logger: logger))
            tasks.addTask {
                try? await cloudGroup.run()
                try await cloudClient.shutdown()
            }
            var hubIterator = hubPorts.makeAsyncIterator()
            guard let hubPort = await hubIterator.next() else { throw ValidationError("hub did not start") }
            while controller.cachedCounts.datasets < datasets || !controller.isReady { try await Task.sleep(for: .milliseconds(50)) }
            let baseline = APIBenchmark.rssMegabytes(pid: getpid()) ?? 0
            print(String(format: "cloud RSS with %d datasets cached, no nodes: %.1f MB", datasets, baseline))

            let samples = RSSSamples()
            tasks.addTask {
                while !Task.isCancelled {
                    if let rss = APIBenchmark.rssMegabytes(pid: getpid()) { samples.values.withLock { $0.append((monotonicNanos(), rss)) } }
                    let written = await controller.nodeKeeper?.writesStarted ?? 0
                    samples.writes.withLock { $0.append((monotonicNanos(), written)) }
                    let connected = await controller.hub.connectedNodes.count
                    samples.connected.withLock { $0.append((monotonicNanos(), connected)) }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let fleetStarted = ContinuousClock.now
            let output = try await runFleet(directory: directory, hubURL: "wss://127.0.0.1:\(hubPort)", apiURL: apiURL)
            let fleetSeconds = fleetStarted.duration(to: .now).seconds
            let nodeWrites = await controller.nodeKeeper?.writesStarted ?? 0
            report(
                output, baseline: baseline, samples: samples.values.withLock { $0 }, writes: samples.writes.withLock { $0 },
                hubConnected: samples.connected.withLock { $0 })
            print(String(
                format: "EdgeNode status writes during the fleet run: %d in %.1f s (%.1f/s; connects, storm and offline transitions included)",
                nodeWrites, fleetSeconds, Double(nodeWrites) / max(fleetSeconds, 0.001)))
            print("")
            print("hub status write duration (hub → API, from /metrics):")
            for line in controller.metrics.render().split(separator: "\n") where line.hasPrefix("edgeai_hub_status_write_duration_seconds") {
                print("    \(line)")
            }

            await cloudGroup.triggerGracefulShutdown()
            try await admin.shutdown()
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
    }

    private func seed(_ admin: KubeClient) async throws {
        let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(Self.namespace)]]
        _ = try await admin.create(ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false), namespace: nil, namespace)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<16 {
                group.addTask {
                    for i in stride(from: worker, to: nodes, by: 16) {
                        _ = try await admin.create(
                            EdgeNode(metadata: ObjectMeta(name: "node-\(i)"), spec: EdgeNodeSpec(tokenGeneration: Int64(Self.tokenGeneration))))
                    }
                    for i in stride(from: worker, to: datasets, by: 16) {
                        let dataset = Dataset(
                            metadata: ObjectMeta(name: "ds-\(i)", namespace: Self.namespace),
                            spec: DatasetSpec(dataUrl: "/data/ds-\(i).txt", format: "txt", nodeName: "node-\(i % nodes)"))
                        _ = try await admin.create(dataset)
                    }
                }
            }
            try await group.waitForAll()
        }
        for m in 0..<models {
            _ = try await admin.create(Model(metadata: ObjectMeta(name: "model-\(m)", namespace: Self.namespace), spec: ModelSpec(modelUrl: "/models/\(m).onnx", format: "onnx")))
        }
        print(String(format: "seeded %d EdgeNodes, %d datasets over them and %d models in %.1f s", nodes, datasets, models, (ContinuousClock.now - start).milliseconds / 1000))
    }

    /// Runs `fleet-nodes` in a child process and returns its output lines.
    private func runFleet(directory: String, hubURL: String, apiURL: String) async throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        process.arguments = [
            "fleet-nodes", "--data-dir", directory, "--hub-url", hubURL, "--api-url", apiURL, "--nodes", "\(nodes)",
            "--datasets", "\(datasets)", "--models", "\(models)", "--creates", "\(creates)", "--reports", "\(reports)",
            "--rate", "\(rate)", "--storm", "\(storm)", "--idle", "\(idle)", "--grace", "\(grace)", "--mark-timeout", "\(markTimeout)",
        ]
        let outputPath = directory + "/fleet.out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { continuation.yield($0.terminationStatus) }
        try process.run()
        var iterator = exits.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        try output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else { throw ValidationError("fleet-nodes exited with \(status):\n\(text)") }
        return text.split(separator: "\n").map(String.init)
    }

    private func report(_ lines: [String], baseline: Double, samples: [(UInt64, Double)], writes: [(UInt64, Int)], hubConnected: [(UInt64, Int)]) {
        var marks: [String: UInt64] = [:]
        var results: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { continue }
            if parts[0] == "MARK", let t = UInt64(parts[2]) { marks[String(parts[1])] = t }
            if parts[0] == "RESULT" { results[String(parts[1])] = String(parts[2]) }
        }
        func rss(at mark: String) -> Double {
            guard let t = marks[mark] else { return .nan }
            return samples.last { $0.0 <= t }?.1 ?? .nan
        }
        let connectSeconds = marks["connected"].flatMap { end in marks["connect-start"].map { Double(end &- $0) / 1e9 } } ?? .nan
        let connected = rss(at: "connected")
        let peak = samples.map(\.1).max() ?? .nan
        let perNodeKB = (connected - baseline) * 1024 / Double(nodes)
        print("")
        print("| measure | value | reference (same run) | ratio | target |")
        print("| --- | --- | --- | --- | --- |")
        print("| all \(nodes) nodes connect at once → live and synced | \(fmt(connectSeconds)) s | | | |")
        print("| Dataset create → stored on its node, p50 / p99 / max | \(results["create_p50_ms"] ?? "?") / \(results["create_p99_ms"] ?? "?") / \(results["create_max_ms"] ?? "?") ms | plain watch p50 / p99 \(results["create_watch_p50_ms"] ?? "?") / \(results["create_watch_p99_ms"] ?? "?") ms | p99 \(ratio(results["create_p99_ms"], results["create_watch_p99_ms"])) | p99 < 50 ms |")
        print("| edge report → status written and answered, p50 / p99 / max | \(results["report_p50_ms"] ?? "?") / \(results["report_p99_ms"] ?? "?") / \(results["report_max_ms"] ?? "?") ms | direct status patch p50 / p99 \(results["report_direct_p50_ms"] ?? "?") / \(results["report_direct_p99_ms"] ?? "?") ms | p99 \(ratio(results["report_p99_ms"], results["report_direct_p99_ms"])) | p99 < 100 ms |")
        print("| all \(nodes) nodes reconnect at once, \(storm) datasets edited meanwhile → converged | \(results["reconnect_converged_s"] ?? "?") s | | | < 10 s |")
        print("| cloud RSS: no nodes / \(nodes) connected / peak | \(fmt(baseline)) / \(fmt(connected)) / \(fmt(peak)) MB | | | |")
        print("| cloud RSS per connected node | \(fmt(perNodeKB)) KB | | | reported |")
        let idle = IdleWrites(writes, from: marks["idle-start"], to: marks["idle-end"])
        print("| idle \(fmt(idle.seconds)) s, \(nodes) nodes connected: EdgeNode writes/s, mean / peak 1 s | \(fmt(idle.mean)) / \(fmt(idle.peak)) | a write per 10 s heartbeat: \(fmt(Double(nodes) / 10))/s (computed) | \(fmt(idle.mean / (Double(nodes) / 10)))× | well under ≈ 900/s |")
        print("| all \(nodes) nodes drop for good → every EdgeNode Ready=Unknown | \(results["offline_flip_s"] ?? "?") s after the drop (\(results["offline_flipped"] ?? "?") flipped) | grace period \(fmt(grace)) s | | < \(fmt(grace + 5)) s |")
        // When the hub had seen every connection of the final drop end (the simulator closing
        // 10,000 TLS connections takes a while): the grace period starts there.
        var lastDisconnect: Double?
        if let drop = marks["offline-drop"], let none = hubConnected.first(where: { $0.0 >= drop && $0.1 == 0 }) {
            lastDisconnect = Double(none.0 &- drop) / 1e9
        }
        let flip = results["offline_flip_s"].flatMap(Double.init)
        var pastGrace = "?"
        if let flip, let lastDisconnect { pastGrace = fmt(flip - lastDisconnect - grace) }
        let disconnected = lastDisconnect.map(fmt) ?? "?"
        print("| … the hub saw the last disconnect / the last EdgeNode flipped, past that + grace | \(disconnected) s after the drop / \(pastGrace) s | | | < 5 s |")
        print("| … then Datasets NodeReachable=False | \(results["reachability_marked"] ?? "?") of \(datasets + creates), the last \(results["reachability_last_s"] ?? "?") s after the drop | | | reported |")
        print("| missed (creates, reports) | \(results["create_missed"] ?? "?"), \(results["report_missed"] ?? "?") | | | 0 |")
    }

    private func ratio(_ a: String?, _ b: String?) -> String {
        guard let a = a.flatMap(Double.init), let b = b.flatMap(Double.init), b > 0 else { return "?" }
        return String(format: "%.2f×", a / b)
    }
}

/// RSS samples (monotonic ns, MB), EdgeNode writes started and connected nodes (monotonic ns,
/// count), shared with the sampling task.
final class RSSSamples: Sendable {
    let values = Mutex<[(UInt64, Double)]>([])
    let writes = Mutex<[(UInt64, Int)]>([])
    /// The hub's connected nodes.
    let connected = Mutex<[(UInt64, Int)]>([])
}

/// EdgeNode writes between two marks, from the cloud's samples (every 100 ms): the mean rate and
/// the highest over any one second.
struct IdleWrites {
    var seconds = Double.nan
    var mean = Double.nan
    var peak = Double.nan

    init(_ samples: [(UInt64, Int)], from start: UInt64?, to end: UInt64?) {
        guard let start, let end else { return }
        let window = samples.filter { $0.0 >= start && $0.0 <= end }
        guard let first = window.first, let last = window.last, last.0 > first.0 else { return }
        seconds = Double(last.0 - first.0) / 1e9
        mean = Double(last.1 - first.1) / seconds
        var peak = 0.0
        var j = 0
        for i in window.indices {
            while j < window.count, window[j].0 < window[i].0 + 1_000_000_000 { j += 1 }
            guard j < window.count else { break }
            peak = max(peak, Double(window[j].1 - window[i].1) / (Double(window[j].0 - window[i].0) / 1e9))
        }
        self.peak = peak
    }
}
