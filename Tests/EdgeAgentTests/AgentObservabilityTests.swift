import AsyncHTTPClient
import EdgeAIAPI
@testable import EdgeAgent
import EdgeAITesting
import EdgeSync
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `/metrics` and `/healthz` on the agent's local API, scraped as Prometheus and a kubelet would.
struct AgentObservabilityTests {
    func get(_ port: Int, _ path: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// The value of one series (`name{labels}` exactly as exposed) in a Prometheus text page.
    func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test(.timeLimit(.minutes(3)))
    func metricsCountDatasetsByReasonScansOutboxAndModelChecks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 4)
        #expect(mkfifo(data + "/pipe.txt", 0o600) == 0)
        try writeFile(data + "/model.onnx", "weights")
        let configuration = EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [data], apiPort: 0, rescanInterval: .seconds(3600))
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let port = try #require(capture.port.withLock { $0 })
            let empty = try await get(port, "/metrics")
            #expect(empty.status == 200)
            #expect(value(#"edgeai_agent_datasets{reason="Counted"}"#, in: empty.body) == 0)
            #expect(value("edgeai_agent_outbox_reports", in: empty.body) == 0)

            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt")))
            try await node.apply(.upsert(makeDataset("pipe", dataUrl: data + "/pipe.txt")))
            try await node.apply(.upsert(makeModel("resnet", modelUrl: data + "/model.onnx")))
            try await eventually("both reported") {
                capture.latestDatasetStatus("cats")?.numberOfSamples == 4
                    && capture.latestDatasetStatus("pipe")?.conditions?[type: "Ready"]?.reason == "UnsupportedFormat"
            }
            let page = try await get(port, "/metrics").body
            #expect(value(#"edgeai_agent_datasets{reason="Counted"}"#, in: page) == 1, "\(page)")
            #expect(value(#"edgeai_agent_datasets{reason="UnsupportedFormat"}"#, in: page) == 1)
            #expect(value(#"edgeai_agent_datasets{reason="IOError"}"#, in: page) == 0)
            #expect((value(#"edgeai_agent_scans_total{outcome="counted"}"#, in: page) ?? 0) >= 1)
            #expect((value(#"edgeai_agent_scans_total{outcome="failed"}"#, in: page) ?? 0) >= 1)
            #expect((value("edgeai_agent_scan_bytes_total", in: page) ?? 0) >= 30)
            #expect((value("edgeai_agent_scan_duration_seconds_count", in: page) ?? 0) >= 2)
            #expect(value("edgeai_agent_scan_workers", in: page) == 4)
            #expect(value("edgeai_agent_scan_workers_stuck", in: page) == 0)
            #expect((value("edgeai_agent_model_checks_total", in: page) ?? 0) >= 1)
            #expect(value("edgeai_agent_inotify_watches", in: page) == 1)
            #expect(value("edgeai_agent_healthy", in: page) == 1)
            // Nothing acknowledges the reports here: the three objects wait in the outbox.
            #expect(value("edgeai_agent_outbox_reports", in: page) == 3)
            #expect((value("edgeai_agent_outbox_oldest_report_age_seconds", in: page) ?? 0) > 0)
            // The hub answers one finally: it leaves the outbox.
            let pending = try await node.pendingReports()
            let cats = try #require(pending.first { $0.key == datasetKey("cats") })
            try await node.removeReport(reportID: cats.reportID, outcome: .applied)
            #expect(value("edgeai_agent_outbox_reports", in: try await get(port, "/metrics").body) == 2)
            let health = try await get(port, "/healthz")
            #expect(health.status == 200 && health.body.contains(#""ok""#), "\(health)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func healthzAnswers503WhileEveryScanWorkerIsStuck() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/hung.txt", 1)
        try appendLines(data + "/cats.txt", 2)
        let gate = PathologicalDatasetTests.Gate(marker: "hung")
        defer { gate.release() }
        let store = try AgentStore(path: directory.path + "/agent.sqlite")
        defer { store.close() }
        // One worker, no replacement: the hung look leaves the cats look waiting.
        let monitor = DatasetMonitor(
            locator: try DataLocator(allow: [data]), rescanInterval: .seconds(3600), stallTimeout: .milliseconds(200),
            workers: 1, maxWrittenOff: 0, livenessTimeout: .seconds(1), hook: { gate.hook($0) }, logger: quietLogger())
        let node = AgentNode(nodeName: "edge-1", store: store, monitor: monitor, logger: quietLogger())
        await monitor.setSink { look in await node.observed(look) }
        let port = Mutex<Int?>(nil)
        let api = LocalAPI(node: node, port: 0, logger: quietLogger(), onListening: { bound in port.withLock { $0 = bound } })
        let services = ServiceGroup(configuration: .init(services: [api], gracefulShutdownSignals: [], logger: quietLogger()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            group.addTask { await monitor.run() }
            try await eventually("listening") { port.withLock { $0 != nil } }
            let bound = try #require(port.withLock { $0 })
            #expect(try await get(bound, "/healthz").status == 200)
            try await node.apply(.upsert(makeDataset("hung", dataUrl: data + "/hung.txt")))
            try await eventually("stuck") { gate.waiting.load(ordering: .relaxed) == 1 }
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt")))
            try await eventually("unhealthy") { try await get(bound, "/healthz").status == 503 }
            let answer = try await get(bound, "/healthz")
            #expect(answer.body.contains("no scan progress"), "\(answer.body)")
            #expect(!answer.body.contains(data), "no paths in the answer")
            #expect(value("edgeai_agent_healthy", in: try await get(bound, "/metrics").body) == 0)
            gate.release()
            try await eventually("healthy again") {
                let samples = await node.dataset(namespace: "default", name: "cats")?.numberOfSamples
                return try await get(bound, "/healthz").status == 200 && samples == 2
            }
            await services.triggerGracefulShutdown()
            group.cancelAll()
        }
    }
}
