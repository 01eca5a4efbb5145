import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
@testable import EdgeAgent
import EdgeSync
import Foundation
import HubClient
import KubeClient
import Synchronization
import Testing

/// The agent against the real cloud in this process: API server, cloud controller and hub,
/// over real TLS WebSocket and HTTP sockets.
@Suite(.timeLimit(.minutes(5)))
struct EndToEndTests {
    func configuration(_ directory: TemporaryDirectory) -> EdgeAgent.Configuration {
        EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
    }

    @Test(.timeLimit(.minutes(2)))
    func datasetStatusAndModelMetricsReachTheCloud() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 100)
        try writeFile(data + "/resnet.onnx", "0123456789")
        try await withCloud { cloud in
            let client = try cloud.client
            _ = try await client.create(cloudDataset("cats", node: "edge-1", dataUrl: "file://" + data + "/cats.txt"))
            _ = try await client.create(cloudDataset("secret", node: "edge-1", dataUrl: "/etc/passwd"))
            _ = try await client.create(cloudModel("resnet", modelUrl: data + "/resnet.onnx"))
            try await withAgent(configuration(directory), hub: try cloud.edgeConfiguration("edge-1")) { capture in
                try await eventually("count in the cloud", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 100
                }
                let cats = try await client.get(Dataset.self, namespace: "default", name: "cats")
                #expect(cats.status?.conditions?[type: "Ready"]?.status == "True")
                #expect(cats.status?.observedGeneration == cats.metadata.generation)
                #expect(cats.status?.sizeBytes == Int64(try FileManager.default.attributesOfItem(atPath: data + "/cats.txt")[.size] as? Int ?? -1))
                try await eventually("NotAllowed in the cloud") {
                    try await client.get(Dataset.self, namespace: "default", name: "secret").status?.conditions?[type: "Ready"]?.reason == "NotAllowed"
                }
                // An append reaches the cloud.
                try appendLines(data + "/cats.txt", 23)
                try await eventually("append in the cloud") {
                    try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 123
                }
                // Model presence and metrics from a job through the local API.
                let api = APIClient(port: try #require(capture.port.withLock { $0 }))
                #expect(try await api.post("/v1/models/default/resnet/metrics", #"{"metrics":[{"key":"accuracy","value":"0.93"}]}"#).status == 202)
                try await eventually("metrics in the cloud") {
                    let status = try await client.get(Model.self, namespace: "default", name: "resnet").status
                    return status?.metrics?.contains(ModelMetric(key: "accuracy", value: "0.93")) == true
                        && status?.nodes?.first { $0.nodeName == "edge-1" }?.sizeBytes == 10
                }
                // Acknowledged reports leave the outbox.
                let node = try #require(capture.node.withLock { $0 })
                try await eventually("outbox drained") { try await node.pendingReports().isEmpty }
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aDatasetMovedToAnotherNodeIsForgottenAndItsWatchReleased() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data + "/cats", withIntermediateDirectories: true)
        try appendLines(data + "/cats/index.txt", 5)
        try await withCloud { cloud in
            let client = try cloud.client
            _ = try await client.create(cloudDataset("cats", node: "edge-1", dataUrl: data + "/cats/index.txt"))
            try await withAgent(configuration(directory), hub: try cloud.edgeConfiguration("edge-1")) { capture in
                let node = try #require(capture.node.withLock { $0 })
                try await eventually("count in the cloud", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 5
                }
                #expect(node.monitor.kernelWatchCount() == 1)
                var moved = try await client.get(Dataset.self, namespace: "default", name: "cats")
                moved.spec.nodeName = "edge-2"
                _ = try await client.update(moved)
                // The store forgets the object first, then the monitor releases its watch.
                try await eventually("forgotten and its watch released") {
                    let held = try await node.inventory()
                    let tracked = await node.monitor.trackedKeys
                    return held.isEmpty && tracked.isEmpty && node.monitor.kernelWatchCount() == 0
                }
                let api = APIClient(port: try #require(capture.port.withLock { $0 }))
                #expect(try await api.get("/v1/datasets/default/cats").status == 404)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func changesMadeWhileTheAgentWasDownConvergeOnReconnect() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/a.txt", 1)
        try appendLines(data + "/b.txt", 2)
        try await withCloud { cloud in
            let client = try cloud.client
            _ = try await client.create(cloudDataset("a", node: "edge-1", dataUrl: data + "/a.txt"))
            try await withAgent(configuration(directory), hub: try cloud.edgeConfiguration("edge-1")) { _ in
                try await eventually("a counted", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "a").status?.numberOfSamples == 1
                }
            }
            // While the agent is down: a is deleted, b is created, a's data changes.
            try await client.delete(Dataset.self, namespace: "default", name: "a")
            _ = try await client.create(cloudDataset("b", node: "edge-1", dataUrl: data + "/b.txt"))
            try await withAgent(configuration(directory), hub: try cloud.edgeConfiguration("edge-1")) { capture in
                let node = try #require(capture.node.withLock { $0 })
                try await eventually("b counted after reconnect", timeout: .seconds(30)) {
                    try await client.get(Dataset.self, namespace: "default", name: "b").status?.numberOfSamples == 2
                }
                #expect(try await node.inventory().map(\.name) == ["b"])
            }
        }
    }
}
