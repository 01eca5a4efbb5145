import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import EdgeSync
import HubClient
import KubeClient
import Testing

@Suite(.timeLimit(.minutes(5)))
struct EndToEndTests {
    @Test func datasetReachesItsNodeAndStatusComesBack() async throws {
        try await withTestbed { testbed in
        let client = try testbed.client
        try await testbed.startCloud()
        let a = try Edge("node-a", testbed: testbed)
        let b = try Edge("node-b", testbed: testbed)
        a.start()
        b.start()
        try await a.waitLive()
        try await b.waitLive()

        let created = try await client.create(makeDataset("cats", node: "node-a"))
        try await eventually("cats on node-a") { await a.holds("cats")?.uid == created.metadata.uid }
        #expect(await b.holds("cats") == nil)

        await a.report(datasetReport("r1", created, samples: 1200))
        try await eventually("status in the API") {
            try await client.get(Dataset.self, namespace: "default", name: "cats").status?.numberOfSamples == 1200
        }
        try await eventually("report acknowledged") { await a.store.outbox.isEmpty }
        #expect(await b.store.appliedCount == 0)
        }
    }
}
