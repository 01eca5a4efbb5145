import ArgumentParser
import EdgeAIAPI
import EdgeAICore
import EdgeAIPKI
import EdgeSync
import Foundation
import HubClient
import KubeClient
import Logging

/// `edgeai-bench fleet-nodes` (started by `edgeai-bench fleet`): the simulated edge fleet, in a
/// process of its own so the cloud's RSS is the cloud's. `--nodes` ``HubClient``s over real TLS
/// WebSockets with in-memory stores; prints `MARK <phase> <ns>` and `RESULT <key> <value>` lines.
struct FleetNodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet-nodes", abstract: "The fleet simulator's edge side (started by `fleet`).", shouldDisplay: false)

    @Option var dataDir: String
    @Option var hubURL: String
    @Option var apiURL: String
    @Option var nodes: Int
    @Option var datasets: Int
    @Option var models: Int
    @Option var creates: Int
    @Option var reports: Int
    @Option var rate: Double
    @Option var storm: Int
    @Option var idle: Int
    @Option var grace: Double
    @Option var markTimeout: Double

    func mark(_ phase: String) { print("MARK \(phase) \(monotonicNanos())") }
    func result(_ key: String, _ value: String) { print("RESULT \(key) \(value)") }

    func run() async throws {
        var logger = Logger(label: "fleet")
        logger.logLevel = .error
        let credentials = try PKIBootstrap.ensure(dataDirectory: dataDir)
        var kube = KubeConfig(
            server: apiURL, certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
            credentials: .token(credentials.adminToken))
        kube.qps = 5000
        kube.burst = 5000
        let admin = try KubeClient(config: kube, logger: logger)
        let recorder = FleetRecorder()
        let stores = (0..<nodes).map { _ in FleetStore(recorder: recorder) }
        let ca = credentials.certificateAuthority.certificatePEM
        func makeClients() throws -> [HubClient] {
            try (0..<nodes).map { i in
                let node = "node-\(i)"
                var link = EdgeLinkConfiguration(node: node, agentVersion: "fleet")
                link.reportRetryDelay = .seconds(1)
                let configuration = HubClientConfiguration(url: hubURL, token: try NodeToken.issue(node: node, generation: FleetBenchmark.tokenGeneration, secret: credentials.clusterSecret), caPEM: ca, link: link)
                return HubClient(configuration: configuration, store: stores[i], outbox: ReportOutbox(), logger: logger)
            }
        }
        let perNode = datasets / nodes
        let expected = perNode + models

        // 1. Every node connects at once and syncs its datasets and the models.
        let first = try makeClients()
        mark("connect-start")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in first { group.addTask { try await client.run() } }
            try await waitFor("all nodes live and synced", timeout: .seconds(300)) {
                var live = 0
                for client in first where await client.state == .live { live += 1 }
                return live == nodes && stores.allSatisfy { $0.count >= expected }
            }
            mark("connected")

            // 2. Creates → stored on the node, against a plain watch of the same creates.
            let reference = try await CreateLatency(admin: admin, logger: logger).measure(
                count: creates, nodes: nodes, rate: rate, recorder: recorder)
            result("create_p50_ms", fmt(reference.hub.p50))
            result("create_p99_ms", fmt(reference.hub.p99))
            result("create_max_ms", fmt(reference.hub.max))
            result("create_watch_p50_ms", fmt(reference.watch.p50))
            result("create_watch_p99_ms", fmt(reference.watch.p99))
            result("create_missed", "\(reference.missed)")
            mark("creates-done")

            // 3. Reports → answered `applied` (the status is in the API), against direct patches.
            let reportLatency = try await ReportLatency(admin: admin).measure(
                count: min(reports, datasets / 2), nodes: nodes, rate: rate, clients: first, stores: stores, recorder: recorder)
            result("report_p50_ms", fmt(reportLatency.hub.p50))
            result("report_p99_ms", fmt(reportLatency.hub.p99))
            result("report_max_ms", fmt(reportLatency.hub.max))
            result("report_direct_p50_ms", fmt(reportLatency.direct.p50))
            result("report_direct_p99_ms", fmt(reportLatency.direct.p99))
            result("report_missed", "\(reportLatency.missed)")
            mark("reports-done")

            // 4. Idle: every node connected, nothing changing; the cloud counts EdgeNode writes.
            mark("idle-start")
            try await Task.sleep(for: .seconds(idle))
            mark("idle-end")
            group.cancelAll()
        }

        // 5. Every node drops at once; while they are away `--storm` datasets change; all come
        //    back at once (new clients, same stores) and must hold the new versions.
        mark("dropped")
        var changed: [String: String] = [:]
        for k in 0..<min(storm, datasets) {
            var dataset = try await admin.get(Dataset.self, namespace: FleetBenchmark.namespace, name: "ds-\(k)")
            dataset.spec.dataUrl = "/data/ds-\(k)-v2.txt"
            dataset = try await admin.update(dataset)
            changed["ds-\(k)"] = dataset.metadata.resourceVersion ?? ""
        }
        let second = try makeClients()
        let stormStart = ContinuousClock.now
        mark("reconnect-start")
        let (offline, droppedAt) = try await withThrowingTaskGroup(of: Void.self) { group -> (OfflineWatch, UInt64) in
            for client in second { group.addTask { try await client.run() } }
            try await waitFor("all nodes reconnected and converged", timeout: .seconds(300)) {
                var live = 0
                for client in second where await client.state == .live { live += 1 }
                guard live == nodes else { return false }
                return changed.allSatisfy { name, rv in
                    let node = Int(name.dropFirst(3)).map { $0 % nodes } ?? 0
                    return stores[node].object(named: name)?.resourceVersion == rv
                }
            }
            mark("reconnected")
            result("reconnect_converged_s", fmt((ContinuousClock.now - stormStart).milliseconds / 1000))

            // 6. Every node drops at once and stays away: each EdgeNode must turn Ready=Unknown
            //    within the grace period + 5 s; then each Dataset gets NodeReachable=False.
            let watch = try await OfflineWatch(admin: admin, namespace: FleetBenchmark.namespace)
            let droppedAt = monotonicNanos()
            mark("offline-drop")
            group.cancelAll()
            return (watch, droppedAt)
        }
        let outcome = try await offline.wait(
            nodes: nodes, datasets: datasets + creates, droppedAt: droppedAt, flipTimeout: .seconds(grace + 120),
            markTimeout: .seconds(grace + markTimeout))
        result("offline_flip_s", outcome.allFlippedSeconds.map(fmt) ?? "not-all")
        result("offline_flipped", "\(outcome.flipped)")
        result("reachability_marked", "\(outcome.marked)")
        result("reachability_last_s", outcome.lastMarkedSeconds.map(fmt) ?? "none")
        try await admin.shutdown()
    }

    func waitFor(_ what: String, timeout: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ValidationError("timed out: \(what)")
    }
}

func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
