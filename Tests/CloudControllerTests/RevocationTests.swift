import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAIPKI
import EdgeAITesting
import EdgeSync
import HubClient
import JSON
import KubeClient
import Testing

/// Revoking one node: deleting its EdgeNode (or moving its token generation on) ends its
/// connection at once and refuses its token from then on — every token, with a generation or
/// without — also after a hub restart, while every other node keeps syncing. The hub runs as in
/// production (no adoption of generation-less tokens) unless a test says otherwise.
@Suite(.timeLimit(.minutes(5)))
struct RevocationTests {
    static let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)

    func refusals(_ client: KubeClient, _ node: String) async throws -> [JSONValue] {
        let list = try await client.list(Self.events, namespace: "default")
        return (list["items"]?.arrayValue ?? []).filter {
            $0["involvedObject"]?["kind"] == "EdgeNode" && $0["involvedObject"]?["name"]?.stringValue == node
                && $0["reason"] == "ConnectionRefused"
        }
    }

    @Test func deletingAnEdgeNodeRevokesOnlyThatNode() async throws {
        try await withTestbed(hub: EdgeNodeTests.fastNodes, adoptsLegacyNodes: false) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let secret = testbed.credentials.clusterSecret
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-a"), spec: EdgeNodeSpec(tokenGeneration: 5)))
            let tokenA = try NodeToken.issue(node: "node-a", generation: 5, secret: secret)
            let a = try Edge("node-a", testbed: testbed, token: tokenA)
            a.start()
            try await a.waitLive()
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-b"), spec: EdgeNodeSpec(tokenGeneration: 3)))
            let b = try Edge("node-b", testbed: testbed, token: try NodeToken.issue(node: "node-b", generation: 3, secret: secret))
            b.start()
            try await b.waitLive()
            try await eventually("node-a Online") { (try? await client.get(EdgeNode.self, name: "node-a"))?.status?.phase == "Online" }

            try await client.delete(EdgeNode.self, name: "node-a")
            try await eventually("node-a's connection ended") { await a.client.state != .live }
            try await eventually("node-a's reconnect refused with an Event") { try await !refusals(client, "node-a").isEmpty }
            #expect(await a.client.state != .live)
            #expect(testbed.metric("edgeai_hub_unauthorized_total") >= 1)
            let events = try await client.list(Self.events, namespace: "default")
            #expect(!JSONWriter.string(events).contains(tokenA.split(separator: ".").last.map(String.init) ?? tokenA))
            // It did not re-create its EdgeNode by reconnecting.
            await #expect(throws: KubeError.self) { try await client.get(EdgeNode.self, name: "node-a") }

            // node-b keeps syncing meanwhile.
            let created = try await client.create(makeDataset("cats", node: "node-b"))
            try await eventually("cats on node-b") { await b.holds("cats")?.uid == created.metadata.uid }
            await b.report(datasetReport("r1", created, samples: 7))
            try await eventually("node-b's report written") {
                try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 7
            }

            // Still refused after a hub restart; a re-added node's old token cannot stand in.
            let port = testbed.hubPort
            await testbed.stopCloud()
            try await testbed.startCloud(port: port)
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-a"), spec: EdgeNodeSpec(tokenGeneration: 6)))
            let before = try await refusals(client, "node-a").count
            try await eventually("the old token refused by the restarted hub") { try await refusals(client, "node-a").count > before }
            #expect(await a.client.state != .live)
            await a.stop()
            let legacy = try Edge("node-a", testbed: testbed)
            legacy.start()
            let afterLegacy = try await refusals(client, "node-a").count
            try await eventually("the generation-less token refused too") { try await refusals(client, "node-a").count > afterLegacy }
            await legacy.stop()
            let readded = try Edge("node-a", testbed: testbed, token: try NodeToken.issue(node: "node-a", generation: 6, secret: secret))
            readded.start()
            try await readded.waitLive()
            try await b.waitLive()
            await readded.stop()
            await b.stop()
        }
    }

    /// A node provisioned before generations (its token has none; an older hub created its
    /// EdgeNode, without a generation) connects while its EdgeNode is there; deleting it ends the
    /// connection and refuses every reconnect, the EdgeNode is not re-created, and a node never
    /// registered is refused from the start. The other legacy node keeps syncing throughout.
    @Test func deletingALegacyNodesEdgeNodeRevokesItForGood() async throws {
        try await withTestbed(hub: EdgeNodeTests.fastNodes, adoptsLegacyNodes: false) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let stranger = try Edge("node-x", testbed: testbed)
            stranger.start()
            try await eventually("a never-registered legacy node refused") { try await !refusals(client, "node-x").isEmpty }
            #expect(await stranger.client.state != .live)
            await stranger.stop()
            await #expect(throws: KubeError.self) { try await client.get(EdgeNode.self, name: "node-x") }

            for node in ["node-a", "node-b"] { _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: node))) }
            let a = try await Edge.live("node-a", testbed: testbed)
            let b = try await Edge.live("node-b", testbed: testbed)
            try await eventually("node-a Online") { (try? await client.get(EdgeNode.self, name: "node-a"))?.status?.phase == "Online" }

            try await client.delete(EdgeNode.self, name: "node-a")
            try await eventually("node-a's connection ended") { await a.client.state != .live }
            try await eventually("node-a's reconnect refused") { try await !refusals(client, "node-a").isEmpty }
            let refused = try await refusals(client, "node-a").count
            try await eventually("and refused again") { try await refusals(client, "node-a").count > refused }
            #expect(await a.client.state != .live)
            await #expect(throws: KubeError.self) { try await client.get(EdgeNode.self, name: "node-a") }

            let created = try await client.create(makeDataset("dogs", node: "node-b"))
            try await eventually("dogs on node-b") { await b.holds("dogs")?.uid == created.metadata.uid }
            await b.report(datasetReport("r1", created, samples: 3))
            try await eventually("node-b's report written") {
                try await client.get(Dataset.self, namespace: "default", name: "dogs").status?.numberOfSamples == 3
            }
            #expect(await b.client.state == .live)
            await a.stop()
            await b.stop()
        }
    }

    /// With adoption on (a fleet provisioned before generations), a legacy node creates its
    /// EdgeNode on first connect; moving the generation on (`edgeai node revoke`) closes it and
    /// refuses it for good, while the other node keeps syncing.
    @Test func movingTheGenerationOnClosesTheConnection() async throws {
        try await withTestbed(hub: EdgeNodeTests.fastNodes, adoptsLegacyNodes: true) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            // A node adopted with a generation-less token, then revoked by generation.
            let a = try await Edge.live("node-a", testbed: testbed)
            let b = try await Edge.live("node-b", testbed: testbed)
            try await eventually("node-a adopted") { (try? await client.get(EdgeNode.self, name: "node-a"))?.status?.phase == "Online" }
            _ = try await client.patch(EdgeNode.self, name: "node-a", ["spec": ["tokenGeneration": 9]], type: .merge)
            try await eventually("node-a's connection ended") { await a.client.state != .live }
            try await eventually("and its reconnect refused") { try await !refusals(client, "node-a").isEmpty }
            #expect(try await client.get(EdgeNode.self, name: "node-a").spec.tokenGeneration == 9)
            let created = try await client.create(makeDataset("cats", node: "node-b"))
            try await eventually("cats on node-b") { await b.holds("cats")?.uid == created.metadata.uid }
            #expect(await b.client.state == .live)
            await a.stop()
            await b.stop()
        }
    }
}
