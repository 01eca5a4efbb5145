import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAICore
import EdgeAITesting
import EdgeHub
import EdgeSync
import HubClient
import KubeClient
import NIOWebSocket
import Testing

/// What happens while a node, or the cloud, is away converges when it comes back.
@Suite(.timeLimit(.minutes(5)))
struct ConvergenceTests {
    @Test func offlineNodeConvergesOnReconnectWithNoOrphans() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let store = InMemoryHubClientStore()
            let online = try await Edge.live("node-a", testbed: testbed, store: store)
            var keep = try await client.create(makeDataset("keep", node: "node-a"))
            _ = try await client.create(makeDataset("drop", node: "node-a"))
            var move = try await client.create(makeDataset("move", node: "node-a"))
            let model = try await client.create(makeModel("m1"))
            try await eventually("all held") { await store.held.entries.count == 4 }
            await online.stop()

            // While node-a is away: edit, delete, move, create, delete the model.
            keep.spec.dataUrl = "/data/keep-v2.txt"
            keep = try await client.update(keep)
            try await client.delete(Dataset.self, namespace: "default", name: "drop")
            move.spec.nodeName = "node-b"
            move = try await client.update(move)
            let fresh = try await client.create(makeDataset("fresh", node: "node-a"))
            try await client.delete(Model.self, namespace: "default", name: model.metadata.name ?? "")

            let back = try await Edge.live("node-a", testbed: testbed, store: store)
            // The resync answers from the controller's caches, which may trail the API by a watch
            // event; whatever it missed follows as live changes.
            try await eventually("converged after reconnect") {
                let held = await store.held.entries.values.map(\.name).sorted()
                let keepVersion = await back.holds("keep")?.resourceVersion
                let freshUID = await back.holds("fresh")?.uid
                return held == ["fresh", "keep"] && keepVersion == keep.metadata.resourceVersion
                    && freshUID == fresh.metadata.uid
            }
        }
    }

    @Test func recreatedObjectReplacesTheOldUidOnReconnect() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let store = InMemoryHubClientStore()
            let online = try await Edge.live("node-a", testbed: testbed, store: store)
            let old = try await client.create(makeDataset("cats", node: "node-a"))
            try await eventually("held") { await online.holds("cats")?.uid == old.metadata.uid }
            await online.stop()
            try await client.delete(Dataset.self, namespace: "default", name: "cats")
            let recreated = try await client.create(makeDataset("cats", node: "node-a"))
            let back = try await Edge.live("node-a", testbed: testbed, store: store)
            try await eventually("the recreated object replaced the old one") {
                await back.holds("cats")?.uid == recreated.metadata.uid
            }
            #expect(old.metadata.uid != recreated.metadata.uid)
        }
    }

    /// A node that reconnects to a restarted cloud before its informers listed is welcomed only
    /// once they did: a resync against the empty caches would delete what the node holds and
    /// refuse its reports.
    @Test func aNodeConnectingBeforeTheCachesSyncKeepsItsDataAndItsReport() async throws {
        try await withTestbed { testbed in
            let (client, port, a, cats) = try await Self.nodeHoldingCats(testbed)

            // The cloud comes back while the API is still down: its hub listens, its caches are empty.
            await testbed.stopAPI()
            await testbed.stopCloud()
            try await testbed.startCloud(port: port, waitReady: false)
            try await eventually("connected, waiting for the caches") { testbed.controller?.hub.connectionsWaitingForSync == 1 }
            await a.report(datasetReport("r1", cats, samples: 7))
            #expect(testbed.controller?.isReady == false)

            try await testbed.startAPI()
            try await a.waitLive()
            try await eventually("the report written", timeout: .seconds(30)) {
                try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 7
            }
            #expect(await a.holds("cats")?.uid == cats.metadata.uid)
            #expect(testbed.metric("edgeai_hub_refused_reports_total") == 0)
        }
    }

    /// Caches that do not sync within the hello timeout close the waiting connection with
    /// goingAway, before any welcome; the node retries.
    @Test func aHubWhoseCachesDoNotSyncClosesWaitingConnectionsWithGoingAway() async throws {
        var hub = HubConfiguration()
        hub.helloTimeout = .milliseconds(500)
        try await withTestbed(hub: hub) { testbed in
            await testbed.stopAPI()
            try await testbed.startCloud(waitReady: false)
            let hello = WireCodec.text(EdgeToCloud.hello(Hello(versions: ProtocolVersion.supported, agentVersion: "raw", inventory: [])))
            let outcome = try await RawEdge.exchange(testbed: testbed, token: try testbed.token("node-a"), frames: [hello])
            #expect(outcome.closeCode == .goingAway)
            #expect(outcome.received.isEmpty, "no welcome before the caches synced")
            #expect(await testbed.controller?.hub.connectedNodes.isEmpty == true)
        }
    }

    @Test func cloudKilledMidFlowLosesNoStatus() async throws {
        var hub = HubConfiguration()
        hub.writeRetry = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: 0)
        try await withTestbed(hub: hub) { testbed in
            let (client, port, a, cats) = try await Self.nodeHoldingCats(testbed)

            // The API goes away, so the write is in flight or retrying when the cloud dies.
            await testbed.stopAPI()
            await a.report(datasetReport("r1", cats, samples: 42))
            await testbed.killCloud()
            #expect(await a.store.outbox.count == 1)

            // A later report for the same object, made while the cloud is down, wins.
            await a.report(datasetReport("r2", cats, samples: 43))
            try await testbed.startAPI()
            try await testbed.startCloud(port: port)
            try await eventually("status written after the restart", timeout: .seconds(60)) {
                try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 43
            }
            try await eventually("outbox empty", timeout: .seconds(30)) { await a.store.outbox.isEmpty }
        }
    }

    /// The cloud started, node-a live and holding the Dataset `cats`; returns the hub's port.
    static func nodeHoldingCats(_ testbed: Testbed) async throws -> (KubeClient, port: Int, Edge, Dataset) {
        let client = try testbed.client
        let port = try await testbed.startCloud()
        let a = try await Edge.live("node-a", testbed: testbed)
        let cats = try await client.create(makeDataset("cats", node: "node-a"))
        try await eventually("held") { await a.holds("cats")?.uid == cats.metadata.uid }
        return (client, port, a, cats)
    }
}
