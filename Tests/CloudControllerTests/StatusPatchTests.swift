import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAIPKI
import EdgeAITesting
import EdgeHub
import EdgeSync
import HubClient
import KubeClient
import Testing

/// Status patches: the uid precondition, against the embedded server, and the model merge.
@Suite(.timeLimit(.minutes(5)))
struct StatusPatchTests {
    @Test func aJSONPatchWhoseUidTestFailsIs422AndWritesNothing() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            let cats = try await client.create(makeDataset("cats", node: "node-a"))
            let wrong = try StatusPatch.dataset(uid: "not-the-uid", status: DatasetStatus(numberOfSamples: 5))
            await #expect {
                _ = try await client.patch(Dataset.resourceType, namespace: "default", name: "cats", wrong, type: .json, subresource: "status")
            } throws: { error in
                (error as? KubeError)?.code == 422
            }
            #expect(try await client.get(Dataset.self, namespace: "default", name: "cats").status == nil)
            let right = try StatusPatch.dataset(uid: cats.metadata.uid ?? "", status: DatasetStatus(numberOfSamples: 5))
            _ = try await client.patch(Dataset.resourceType, namespace: "default", name: "cats", right, type: .json, subresource: "status")
            #expect(try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 5)
        }
    }

    @Test func modelReportsMergePerKeyAndPerNode() {
        let current = ModelStatus(
            updateTime: Time(rfc3339: "2026-01-02T00:00:00Z"),
            metrics: [ModelMetric(key: "accuracy", value: "0.9"), ModelMetric(key: "loss", value: "0.3")],
            nodes: [ModelNodeStatus(nodeName: "b", present: true), ModelNodeStatus(nodeName: "a", present: false)])
        let report = ModelReport(
            metrics: [ModelMetric(key: "accuracy", value: "0.95"), ModelMetric(key: "f1", value: "0.8")],
            node: ModelNodeStatus(nodeName: "a", present: true, sizeBytes: 10), updateTime: Time(rfc3339: "2026-01-01T00:00:00Z"))
        let merged = StatusPatch.merge(report, into: current)
        #expect(merged.metrics == [ModelMetric(key: "accuracy", value: "0.95"), ModelMetric(key: "f1", value: "0.8"), ModelMetric(key: "loss", value: "0.3")])
        #expect(merged.nodes == [ModelNodeStatus(nodeName: "a", present: true, sizeBytes: 10), ModelNodeStatus(nodeName: "b", present: true)])
        #expect(merged.updateTime == Time(rfc3339: "2026-01-02T00:00:00Z"), "updateTime never moves back")
        #expect(StatusPatch.merge(ModelReport(), into: nil) == ModelStatus())
    }

    @Test func modelReportsFromTwoNodesBothLand() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let model = try await client.create(makeModel("resnet"))
            let a = try Edge("node-a", testbed: testbed)
            let b = try Edge("node-b", testbed: testbed)
            a.start()
            b.start()
            try await eventually("held by node-a") { await a.holds("resnet", kind: .model) != nil }
            try await eventually("held by node-b") { await b.holds("resnet", kind: .model) != nil }
            let ref = SyncObject.model(model).ref
            await a.report(StatusReport(reportID: "a1", ref: ref, status: .model(ModelReport(
                metrics: [ModelMetric(key: "accuracy", value: "0.9")], node: ModelNodeStatus(nodeName: "node-a", present: true)))))
            await b.report(StatusReport(reportID: "b1", ref: ref, status: .model(ModelReport(
                metrics: [ModelMetric(key: "latency", value: "12ms")], node: ModelNodeStatus(nodeName: "node-b", present: false)))))
            try await eventually("both merged") {
                let status = try await client.get(Model.self, namespace: "default", name: "resnet").status
                return status?.nodes?.count == 2 && status?.metrics?.count == 2
            }
            // A node may not report presence for another node.
            await a.report(StatusReport(reportID: "a2", ref: ref, status: .model(ModelReport(node: ModelNodeStatus(nodeName: "node-b", present: true)))))
            try await eventually("refused") { await a.store.outbox.isEmpty }
            let nodes = try await client.get(Model.self, namespace: "default", name: "resnet").status?.nodes
            #expect(nodes?.first { $0.nodeName == "node-b" }?.present == false)
        }
    }

    @Test func nodeAuthenticatorTakesTheNodeFromTheTokenOnly() throws {
        let secret = ClusterSecret.generate()
        let authenticator = NodeAuthenticator(secret: secret)
        let token = try NodeToken.issue(node: "edge-1", secret: secret)
        #expect(authenticator.node(authorization: "Bearer \(token)") == "edge-1")
        #expect(authenticator.node(authorization: "bearer \(token)") == "edge-1")
        #expect(authenticator.node(authorization: token) == nil)
        #expect(authenticator.node(authorization: nil) == nil)
        #expect(authenticator.node(authorization: "Basic \(token)") == nil)
        #expect(authenticator.node(authorization: "Bearer \(try NodeToken.issue(node: "edge-1", secret: .generate()))") == nil)
    }
}
