import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import EdgeSync
import HubClient
import JSON
import KubeClient
import Testing

/// Models placed by EdgeNode label (`spec.nodeSelector`) and by name (`spec.nodeNames`): only
/// those nodes receive and may report them; a relabelled node gains or loses them live.
@Suite(.timeLimit(.minutes(5)))
struct PlacementTests {
    func model(_ name: String, selector: [String: String]? = nil, names: [String]? = nil) -> Model {
        Model(
            metadata: ObjectMeta(name: name, namespace: "default"),
            spec: ModelSpec(modelUrl: "/models/\(name).onnx", format: "onnx", nodeSelector: selector, nodeNames: names))
    }

    @Test func modelsReachOnlyTheNodesTheySelect() async throws {
        try await withTestbed(hub: EdgeNodeTests.fastNodes) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-a", labels: ["site": "factory-3"])))
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-b", labels: ["site": "lab"])))
            let byLabel = try await client.create(model("by-label", selector: ["site": "factory-3"]))
            _ = try await client.create(model("by-name", names: ["node-b"]))
            _ = try await client.create(model("both", selector: ["site": "lab"], names: ["node-a"]))
            _ = try await client.create(model("everywhere"))
            let a = try await Edge.live("node-a", testbed: testbed)
            let b = try await Edge.live("node-b", testbed: testbed)
            let c = try await Edge.live("node-c", testbed: testbed)

            func holds(_ edge: Edge, _ name: String) async -> Bool { await edge.holds(name, kind: .model) != nil }
            try await eventually("everywhere on every node") {
                let all = [await holds(a, "everywhere"), await holds(b, "everywhere"), await holds(c, "everywhere")]
                return all.allSatisfy { $0 }
            }
            #expect(await holds(a, "by-label"))
            #expect(await !holds(b, "by-label"))
            #expect(await !holds(c, "by-label"))
            #expect(await holds(b, "by-name"))
            #expect(await !holds(a, "by-name"))
            #expect(await !holds(a, "both"))
            #expect(await !holds(b, "both"))

            // A report about a model the node was not given is refused.
            let report = StatusReport(
                reportID: "m1", ref: SyncObject.model(byLabel).ref,
                status: .model(ModelReport(node: ModelNodeStatus(nodeName: "node-c", present: true))))
            await c.report(report)
            try await eventually("node-c's report answered") { await c.store.outbox.isEmpty }
            #expect(try await client.get(Model.self, namespace: "default", name: "by-label").status?.nodes == nil)

            // Relabelled live: node-b gains by-label, node-a loses it.
            _ = try await client.patch(EdgeNode.self, name: "node-b", ["metadata": ["labels": ["site": "factory-3"]]], type: .merge)
            _ = try await client.patch(EdgeNode.self, name: "node-a", ["metadata": ["labels": ["site": "lab"]]], type: .merge)
            try await eventually("by-label moved from node-a to node-b") {
                let onB = await holds(b, "by-label")
                let onA = await holds(a, "by-label")
                return onB && !onA
            }
            try await eventually("both now on node-a (named, and labelled lab)") { await holds(a, "both") }
            for edge in [a, b, c] { await edge.stop() }
        }
    }
}
