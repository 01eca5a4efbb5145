import AsyncHTTPClient
import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAIPKI
import EdgeAITesting
import EdgeHub
import EdgeSync
import HubClient
import JSON
import KubeClient
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import Testing

/// Tokens, refusals and bad frames: refused, and nothing changes.
@Suite(.timeLimit(.minutes(5)))
struct HubSecurityTests {
    /// The HTTP status of a WebSocket upgrade request to the hub with `token`.
    static func upgradeStatus(_ testbed: Testbed, token: String?, upgrade: Bool = true) async throws -> UInt {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(testbed.credentials.certificateAuthority.certificatePEM.utf8)))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: "https://localhost:\(testbed.hubPort)\(HubEndpoint.path)")
        if upgrade {
            request.headers.add(name: "Connection", value: "Upgrade")
            request.headers.add(name: "Upgrade", value: "websocket")
            request.headers.add(name: "Sec-WebSocket-Version", value: "13")
            request.headers.add(name: "Sec-WebSocket-Key", value: "dGhlIHNhbXBsZSBub25jZQ==")
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            try await http.shutdown()
            return response.status.code
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test func missingForgedAndForeignTokensAreRefusedBeforeTheUpgrade() async throws {
        try await withTestbed { testbed in
            try await testbed.startCloud()
            let good = try testbed.token("node-a")
            let foreign = try NodeToken.issue(node: "node-a", secret: ClusterSecret.generate())
            let mac = good.split(separator: ".").last.map(String.init) ?? ""
            let renamed = "node-b.\(mac)"
            let tokens: [String?] = [nil, "", "garbage", foreign, renamed, good + "x"]
            for token in tokens {
                let upgraded = try await Self.upgradeStatus(testbed, token: token)
                let plain = try await Self.upgradeStatus(testbed, token: token, upgrade: false)
                #expect(upgraded == 401, "token \(String(describing: token))")
                #expect(plain == 401, "token \(String(describing: token))")
            }
            #expect(try await Self.upgradeStatus(testbed, token: good, upgrade: false) == 426)
            #expect(testbed.metric("edgeai_hub_unauthorized_total") == 12)
        }
    }

    @Test func aClientWithAForgedTokenNeverSyncs() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            _ = try await client.create(makeDataset("cats", node: "node-a"))
            let forged = try Edge("node-a", testbed: testbed, token: try NodeToken.issue(node: "node-a", secret: ClusterSecret.generate()))
            forged.start()
            try await eventually("refused attempts") { testbed.metric("edgeai_hub_unauthorized_total") >= 2 }
            #expect(await forged.client.state != .live)
            #expect(await forged.store.appliedCount == 0)
        }
    }

    @Test func anotherNodesTokenIsThatNodeAndTheAgentRefusesIt() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            _ = try await client.create(makeDataset("cats", node: "node-a"))
            // An agent configured as node-b presenting node-a's token: the hub says it is node-a,
            // the agent closes (nodeMismatch) before applying anything.
            let confused = try Edge("node-b", testbed: testbed, token: try testbed.token("node-a"))
            confused.start()
            try await eventually("the agent closed the connection") { testbed.metric("edgeai_hub_protocol_errors_total") >= 1 }
            #expect(await confused.client.state != .live)
            #expect(await confused.store.appliedCount == 0)
        }
    }

    @Test func reportsForAnotherNodesDatasetAreRefusedAndNothingIsWritten() async throws {
        try await withTestbed { testbed in
            let client = try testbed.client
            try await testbed.startCloud()
            let theirs = try await client.create(makeDataset("theirs", node: "node-b"))
            let ours = try await client.create(makeDataset("ours", node: "node-a"))
            let a = try await Edge.live("node-a", testbed: testbed)
            try await eventually("ours held") { await a.holds("ours") != nil }

            await a.report(datasetReport("r-theirs", theirs, samples: 666))
            // Same slot as ours, another uid (a deleted-and-recreated object's report).
            var stale = ours
            stale.metadata.uid = "00000000-0000-0000-0000-000000000000"
            await a.report(datasetReport("r-stale", stale, samples: 777))
            try await eventually("refusals answered") { await a.store.outbox.isEmpty }
            // node-b never connected: its dataset says so (NodeReachable), and holds no count.
            #expect(try await client.get(Dataset.self, namespace: "default", name: "theirs").status?.numberOfSamples == nil)
            #expect(try await client.get(Dataset.self, namespace: "default", name: "ours").status?.numberOfSamples == nil)
            #expect(testbed.metric("edgeai_hub_refused_reports_total") == 2)
            // Each refusal is a Warning event on the object.
            let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
            try await eventually("refusal events") {
                let list = try await client.list(events, namespace: "default")
                let reasons = list["items"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
                return reasons.filter { $0 == "StatusReportRefused" }.count == 2
            }
        }
    }

    @Test func malformedFramesCloseWithAnErrorAndChangeNothing() async throws {
        try await withTestbed { testbed in
            try await testbed.startCloud()
            let token = try testbed.token("node-a")
            let garbage = try await RawEdge.exchange(testbed: testbed, token: token, frames: ["this is not json"])
            #expect(garbage.closeCode == WebSocketErrorCode(codeNumber: 1007))
            if case .error(let error)? = garbage.received.last { #expect(error.code == .malformedFrame) } else {
                Issue.record("expected an error message, got \(garbage.received)")
            }
            let early = try await RawEdge.exchange(testbed: testbed, token: token, frames: [#"{"type":"ack","seq":1}"#])
            #expect(early.closeCode == WebSocketErrorCode(codeNumber: 1002))
            let unknown = try await RawEdge.exchange(testbed: testbed, token: token, frames: [#"{"type":"launch"}"#])
            #expect(unknown.closeCode == WebSocketErrorCode(codeNumber: 4001))
        }
    }

    @Test func oversizedFramesCloseWith1009() async throws {
        var hub = HubConfiguration()
        hub.maxFrameBytes = 64 << 10
        try await withTestbed(hub: hub) { testbed in
            try await testbed.startCloud()
            let token = try testbed.token("node-a")
            let big = #"{"type":"hello","agentVersion":""# + String(repeating: "x", count: 100 << 10) + #"","versions":[1],"inventory":[]}"#
            let outcome = try await RawEdge.exchange(testbed: testbed, token: token, frames: [big])
            #expect(outcome.closeCode == .messageTooLarge)
            // The same message in 8 KiB fragments, each under the limit: the message is over it.
            // (Repeated: the close code used to depend on which of the connection's tasks ended first.)
            for _ in 0..<10 {
                let fragmented = try await RawEdge.exchange(testbed: testbed, token: token, frames: [big], fragmentBytes: 8 << 10)
                #expect(fragmented.closeCode == .messageTooLarge)
            }
            // Fragments adding up to less than the limit are reassembled and read as one message
            // (here not JSON: 1007, as for the same text in one frame).
            let small = String(repeating: "not json ", count: (20 << 10) / 9)
            let reassembled = try await RawEdge.exchange(testbed: testbed, token: token, frames: [small], fragmentBytes: 8 << 10)
            #expect(reassembled.closeCode == WebSocketErrorCode(codeNumber: 1007))
            // The hub forgets the session once its handler ends, which may be just after the close frame.
            try await eventually("the refused session is forgotten") {
                await testbed.controller?.hub.connectedNodes.isEmpty == true
            }
        }
    }
}
