import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import EdgeSync
import HubClient
import KubeClient
import Testing

/// EdgeNodes kept by the hub, through the informer path: created on first connect, Online while
/// connected, Offline past the grace period, and the Datasets of an offline or never-connected
/// node marked `NodeReachable=False`.
@Suite(.timeLimit(.minutes(5)))
struct EdgeNodeTests {
    static var fastNodes: HubConfiguration {
        var hub = HubConfiguration()
        hub.nodes.offlineGracePeriod = .milliseconds(500)
        hub.nodes.minWriteInterval = .milliseconds(200)
        return hub
    }

    func edgeNode(_ client: KubeClient, _ name: String) async throws -> EdgeNode? {
        do { return try await client.get(EdgeNode.self, name: name) } catch let error as KubeError where error.isNotFound { return nil }
    }

    @Test func firstConnectCreatesTheEdgeNodeAndOfflineFollowsTheGracePeriod() async throws {
        try await withTestbed(hub: Self.fastNodes) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            // An operator's labels on a node added beforehand are kept: the hub writes only /status.
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "node-b", labels: ["site": "factory-3"])))
            _ = try await client.create(makeDataset("cats", node: "node-a"))
            _ = try await client.create(makeDataset("dogs", node: "node-a"))
            _ = try await client.create(makeModel("resnet"))
            let a = try await Edge.live("node-a", testbed: testbed)
            let b = try await Edge.live("node-b", testbed: testbed)

            try await eventually("node-a Online holding 2 datasets and 1 model") {
                let node = try await edgeNode(client, "node-a")
                return node?.status?.phase == "Online" && node?.status?.datasets == 2 && node?.status?.models == 1
            }
            let online = try #require(try await edgeNode(client, "node-a")?.status)
            #expect(online.conditions?[type: "Ready"]?.status == "True")
            #expect(online.agentVersion == "test")
            #expect(online.address?.hasPrefix("127.0.0.1:") == true)
            #expect(online.lastHeartbeatTime != nil)
            try await eventually("node-b Online") { try await edgeNode(client, "node-b")?.status?.phase == "Online" }
            #expect(try await edgeNode(client, "node-b")?.metadata.labels?["site"] == "factory-3")

            await a.stop()
            try await eventually("node-a Offline after the grace period") {
                try await edgeNode(client, "node-a")?.status?.phase == "Offline"
            }
            let offline = try #require(try await edgeNode(client, "node-a")?.status?.conditions?[type: "Ready"])
            #expect(offline.status == "Unknown")
            #expect(offline.reason == "NodeOffline")
            #expect(offline.lastTransitionTime != nil)
            try await eventually("the datasets of node-a say their node is offline") {
                let cats = try await client.get(Dataset.self, namespace: "default", name: "cats")
                let condition = cats.status?.conditions?[type: "NodeReachable"]
                return condition?.status == "False" && condition?.reason == "NodeOffline"
            }
            #expect(try await edgeNode(client, "node-b")?.status?.phase == "Online")

            let again = try await Edge.live("node-a", testbed: testbed)
            try await eventually("node-a Online again") { try await edgeNode(client, "node-a")?.status?.phase == "Online" }
            try await eventually("NodeReachable cleared on reconnect") {
                let dogs = try await client.get(Dataset.self, namespace: "default", name: "dogs")
                return dogs.status?.conditions?[type: "NodeReachable"] == nil
            }
            await again.stop()
            await b.stop()
        }
    }

    @Test func aDatasetOnANodeThatNeverConnectedSaysSo() async throws {
        try await withTestbed(hub: Self.fastNodes) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            _ = try await client.create(makeDataset("lonely", node: "node-z"))
            try await eventually("NodeNeverConnected on the dataset") {
                let lonely = try await client.get(Dataset.self, namespace: "default", name: "lonely")
                return lonely.status?.conditions?[type: "NodeReachable"]?.reason == "NodeNeverConnected"
            }
            #expect(try await edgeNode(client, "node-z") == nil)
            let z = try await Edge.live("node-z", testbed: testbed)
            try await eventually("cleared once node-z connected") {
                let lonely = try await client.get(Dataset.self, namespace: "default", name: "lonely")
                return lonely.status?.conditions?[type: "NodeReachable"] == nil
            }
            await z.stop()
        }
    }

    @Test func aNodeOnlineWhenTheHubStoppedGoesOfflineAfterItsRestart() async throws {
        try await withTestbed(hub: Self.fastNodes) { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let a = try await Edge.live("node-a", testbed: testbed)
            try await eventually("node-a Online") { try await edgeNode(client, "node-a")?.status?.phase == "Online" }
            await testbed.killCloud()
            await a.stop()
            try await testbed.startCloud()
            try await eventually("node-a Offline after the restarted hub's grace period") {
                try await edgeNode(client, "node-a")?.status?.phase == "Offline"
            }
        }
    }
}
