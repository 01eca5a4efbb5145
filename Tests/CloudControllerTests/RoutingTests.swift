import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import EdgeHub
import EdgeSync
import HubClient
import JSON
import KubeClient
import Testing

/// Live changes reach exactly the nodes they are for.
@Suite(.timeLimit(.minutes(5)))
struct RoutingTests {
    @Test func createUpdateMoveDeleteReachExactlyTheRightNodes() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let a = try Edge("node-a", testbed: testbed)
            let b = try Edge("node-b", testbed: testbed)
            let c = try Edge("node-c", testbed: testbed)
            for edge in [a, b, c] { edge.start() }
            for edge in [a, b, c] { try await edge.waitLive() }

            // Created for node-a: only node-a holds it.
            var cats = try await client.create(makeDataset("cats", node: "node-a"))
            try await eventually("created on node-a") { await a.holds("cats")?.resourceVersion == cats.metadata.resourceVersion }

            // Updated: node-a holds the new resourceVersion.
            cats.spec.dataUrl = "/data/cats-v2.txt"
            cats = try await client.update(cats)
            try await eventually("updated on node-a") { await a.holds("cats")?.resourceVersion == cats.metadata.resourceVersion }
            #expect(await a.holds("cats")?.nodeName == "node-a")
            if case .dataset(let held)? = await a.holds("cats") { #expect(held.spec.dataUrl == "/data/cats-v2.txt") }
            #expect(await b.store.appliedCount == 0)
            #expect(await c.store.appliedCount == 0)

            // Moved to node-b: gone from node-a, held by node-b.
            cats.spec.nodeName = "node-b"
            cats = try await client.update(cats)
            try await eventually("moved to node-b") { await b.holds("cats")?.resourceVersion == cats.metadata.resourceVersion }
            try await eventually("removed from node-a") { await a.holds("cats") == nil }

            // Deleted: gone from node-b.
            try await client.delete(Dataset.self, namespace: "default", name: "cats")
            try await eventually("deleted from node-b") { await b.holds("cats") == nil }

            // node-c was never concerned.
            #expect(await c.store.appliedCount == 0)
            #expect(await a.store.held.entries.isEmpty)
            #expect(await b.store.held.entries.isEmpty)
        }
    }

    @Test func modelsReachEveryNode() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let a = try Edge("node-a", testbed: testbed)
            let b = try Edge("node-b", testbed: testbed)
            a.start()
            try await a.waitLive()
            let model = try await client.create(makeModel("resnet"))
            try await eventually("model on node-a") { await a.holds("resnet", kind: .model)?.uid == model.metadata.uid }
            // A node connecting later receives it in its resync.
            b.start()
            try await eventually("model on node-b") { await b.holds("resnet", kind: .model)?.uid == model.metadata.uid }
            try await client.delete(Model.self, namespace: "default", name: "resnet")
            try await eventually("model gone from node-a") { await a.holds("resnet", kind: .model) == nil }
            try await eventually("model gone from node-b") { await b.holds("resnet", kind: .model) == nil }
        }
    }

    /// `kubectl describe dataset` shows when its node first received it: one Normal `Delivered`
    /// event per node and uid, not one per reconnect.
    @Test func firstDeliveryToANodeIsAnEventOnTheDataset() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let store = InMemoryHubClientStore()
            let online = try await Edge.live("node-a", testbed: testbed, store: store)
            let dogs = try await client.create(makeDataset("dogs", node: "node-a"))
            try await eventually("dogs delivered") { await online.holds("dogs")?.uid == dogs.metadata.uid }
            try await eventually("a Delivered event on dogs") { try await Self.delivered(client, uid: dogs.metadata.uid).count == 1 }
            let event = try #require(try await Self.delivered(client, uid: dogs.metadata.uid).first)
            #expect(event["type"]?.stringValue == "Normal")
            #expect(event["message"]?.stringValue == "delivered to edge node node-a")
            #expect(event["involvedObject"]?["name"]?.stringValue == "dogs")

            // The node reconnects holding dogs: nothing new to announce. A dataset created after
            // the reconnect is announced, and events are written in order, so once its event is
            // there any second one for dogs would be too.
            await online.stop()
            _ = try await Edge.live("node-a", testbed: testbed, store: store)
            let cats = try await client.create(makeDataset("cats", node: "node-a"))
            try await eventually("a Delivered event on cats") { try await Self.delivered(client, uid: cats.metadata.uid).count == 1 }
            #expect(try await Self.delivered(client, uid: dogs.metadata.uid).count == 1)
        }
    }

    static func delivered(_ client: KubeClient, uid: String?) async throws -> [JSONValue] {
        let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
        let items = try await client.list(events, namespace: "default")["items"]?.arrayValue ?? []
        return items.filter { $0["reason"]?.stringValue == "Delivered" && $0["involvedObject"]?["uid"]?.stringValue == uid }
    }

    @Test func aSecondConnectionOfANodeReplacesTheFirst() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let first = try await Edge.live("node-a", testbed: testbed)
            let second = try await Edge.live("node-a", testbed: testbed)
            // The hub closed the first connection with `replaced`: it reconnects, and so on; the
            // node's datasets reach whichever connection is current, and the hub keeps one.
            let dogs = try await client.create(makeDataset("dogs", node: "node-a"))
            try await eventually("dogs held by a node-a connection") {
                let one = await first.holds("dogs")?.uid == dogs.metadata.uid
                let two = await second.holds("dogs")?.uid == dogs.metadata.uid
                return one || two
            }
            #expect(await testbed.controller?.hub.connectedNodes == ["node-a"])
        }
    }
}
