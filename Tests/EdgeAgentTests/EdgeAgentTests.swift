import EdgeAIAPI
@testable import EdgeAgent
import EdgeAITesting
import EdgeSync
import Foundation
import Synchronization
import Testing

/// The whole agent in-process: its store, monitor and local API over a real socket.
@Suite(.timeLimit(.minutes(5)))
struct EdgeAgentTests {
    func configuration(_ directory: TemporaryDirectory) -> EdgeAgent.Configuration {
        EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
    }

    @Test(.timeLimit(.minutes(3)))
    func startsOfflineFromItsStoreAndKeepsMonitoring() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 10)
        try writeFile(data + "/model.onnx", "weights")
        // First run: the hub hands the node a dataset and a model.
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeDataset("cats", dataUrl: "file://" + data + "/cats.txt")))
            try await node.apply(.upsert(makeModel("resnet", modelUrl: data + "/model.onnx")))
            try await eventually("first report") { capture.latestDatasetStatus("cats")?.numberOfSamples == 10 }
        }
        // The cloud is gone; the data changed while the agent was down.
        try appendLines(data + "/cats.txt", 5)
        let offline = NodeCapture()
        try await withAgent(configuration(directory), capture: offline) { capture in
            let api = APIClient(port: try #require(capture.port.withLock { $0 }))
            try await eventually("restored and rescanned") {
                try await api.get("/v1/datasets/default/cats").body["numberOfSamples"] as? Int == 15
            }
            let node = try #require(capture.node.withLock { $0 })
            #expect(try await node.inventory().map(\.name) == ["cats", "resnet"])
            // Still monitoring.
            try appendLines(data + "/cats.txt", 1)
            try await eventually("append after restart") {
                try await api.get("/v1/datasets/default/cats").body["numberOfSamples"] as? Int == 16
            }
            // Reports wait in the durable outbox for the hub (the API may show a count a moment
            // before its report is durable).
            try await eventually("latest count in the outbox") {
                let report = try await node.pendingReports().first { $0.key == datasetKey("cats") }
                guard case .dataset(let status)? = report?.status else { return false }
                return status.numberOfSamples == 16
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func theLocalAPIListsDatasetsAndModelsAndTakesMetrics() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try writeFile(data + "/empty.csv", "id,label\n")
        try writeFile(data + "/model.onnx", "12345")
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let api = APIClient(port: try #require(capture.port.withLock { $0 }))
            try await node.apply(.upsert(makeDataset("empty", dataUrl: data + "/empty.csv", format: "csv")))
            try await node.apply(.upsert(makeDataset("secret", dataUrl: "/etc/passwd")))
            try await node.apply(.upsert(makeModel("resnet", modelUrl: data + "/model.onnx")))
            try await node.apply(.upsert(makeModel("missing", modelUrl: data + "/nope.onnx")))

            let list = try await api.get("/v1/datasets")
            #expect(list.status == 200)
            #expect((list.body["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["empty", "secret"])
            let empty = try await api.get("/v1/datasets/default/empty").body
            #expect(empty["numberOfSamples"] as? Int == 0, "zero samples is reported as zero")
            #expect(empty["path"] as? String == data + "/empty.csv")
            #expect(empty["format"] as? String == "csv")
            #expect(empty["ready"] as? Bool == true)
            let secret = try await api.get("/v1/datasets/default/secret").body
            #expect(secret["path"] == nil)
            #expect(secret["ready"] as? Bool == false)
            #expect((secret["conditions"] as? [[String: Any]])?.first?["reason"] as? String == "NotAllowed")
            #expect(try await api.get("/v1/datasets/default/nope").status == 404)

            let model = try await api.get("/v1/models/default/resnet").body
            #expect(model["present"] as? Bool == true)
            #expect(model["sizeBytes"] as? Int == 5)
            #expect(try await api.get("/v1/models/default/missing").body["present"] as? Bool == false)
            #expect((try await api.get("/v1/models").body["items"] as? [Any])?.count == 2)

            let posted = try await api.post("/v1/models/default/resnet/metrics", #"{"metrics":[{"key":"accuracy","value":"0.91"},{"key":"epoch","value":3}]}"#)
            #expect(posted.status == 202)
            _ = try await api.post("/v1/models/default/resnet/metrics", #"{"metrics":[{"key":"accuracy","value":"0.93"}]}"#)
            let metrics = try await api.get("/v1/models/default/resnet").body["metrics"] as? [[String: String]]
            #expect(metrics == [["key": "accuracy", "value": "0.93"], ["key": "epoch", "value": "3"]])
            // The metrics travel up as the model's report, in the durable outbox.
            let report = try await node.pendingReports().first { $0.key.name == "resnet" }
            guard case .model(let modelReport)? = report?.status else {
                Issue.record("no model report")
                return
            }
            #expect(modelReport.metrics == [ModelMetric(key: "accuracy", value: "0.93"), ModelMetric(key: "epoch", value: "3")])
            #expect(modelReport.node?.nodeName == "edge-1")
            #expect(modelReport.node?.present == true)
            #expect(modelReport.node?.sizeBytes == 5)

            #expect(try await api.post("/v1/models/default/nope/metrics", #"{"metrics":[{"key":"a","value":"1"}]}"#).status == 404)
            let bad = try await api.post("/v1/models/default/resnet/metrics", #"{"metrics":[{"value":"1"}]}"#)
            #expect(bad.status == 400)
            #expect((bad.body["error"] as? String)?.contains("metrics.0.key: Required value") == true || (bad.body["error"] as? String)?.contains("key") == true)
            #expect(try await api.post("/v1/models/default/resnet/metrics", "not json").status == 400)
            #expect(try await api.post("/v1/models/default/resnet/metrics", #"{"metrics":[]}"#).status == 400)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aDatasetMovedAwayIsForgottenAndItsWatchReleased() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data + "/cats", withIntermediateDirectories: true)
        try appendLines(data + "/cats/index.txt", 3)
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let api = APIClient(port: try #require(capture.port.withLock { $0 }))
            let cats = makeDataset("cats", dataUrl: data + "/cats/index.txt")
            try await node.apply(.upsert(cats))
            try await eventually("counted") { capture.latestDatasetStatus("cats")?.numberOfSamples == 3 }
            #expect(node.monitor.kernelWatchCount() == 1)
            // The cloud moved the dataset to another node: the hub sends a delete.
            try await node.apply(.delete(cats.ref))
            #expect(node.monitor.kernelWatchCount() == 0)
            #expect(await node.monitor.trackedKeys.isEmpty)
            #expect(try await api.get("/v1/datasets/default/cats").status == 404)
            #expect(try await node.inventory().isEmpty)
            #expect(try await node.pendingReports().isEmpty)
            let reports = capture.reports.withLock { $0.count }
            try appendLines(data + "/cats/index.txt", 3)
            await node.monitor.rescanAll()
            #expect(capture.reports.withLock { $0.count } == reports, "a forgotten dataset is not reported")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func reportsGoUpOnChangeNotOnEveryLook() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 2)
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt")))
            try await eventually("first report") { capture.latestDatasetStatus("cats")?.numberOfSamples == 2 }
            let count = capture.reports.withLock { $0.count }
            await node.monitor.rescanAll()
            await node.monitor.rescanAll()
            #expect(capture.reports.withLock { $0.count } == count)
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt", rv: "2", generation: 2)))
            try await eventually("new generation reported") { capture.latestDatasetStatus("cats")?.observedGeneration == 2 }
        }
    }
}
