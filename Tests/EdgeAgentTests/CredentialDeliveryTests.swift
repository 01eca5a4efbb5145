import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAICore
import EdgeAIPeerTesting
import EdgeAITesting
@testable import EdgeAgent
import EdgeSync
import Foundation
import KubeClient
import RemoteStore
import Synchronization
import Testing

/// The hub carries a Dataset's `credentialName` Secret to the node that needs it and to no
/// other: the agent counts an `s3://` index with it (moto checks the signature), a fixed key
/// applies at once, and the Secret leaves the node with the last object naming it.
@Suite(.timeLimit(.minutes(5)))
struct CredentialDeliveryTests {
    func secret(_ moto: MotoPeer, secretKey: String) -> Secret {
        let metadata = ObjectMeta(
            name: "s3", namespace: "default",
            annotations: [
                "s3-endpoint": "127.0.0.1:\(moto.port)", "s3-usehttps": "0",
                // What `kubectl apply` leaves: the data in plain text. It must stay in the cloud.
                "kubectl.kubernetes.io/last-applied-configuration": "{\"stringData\":{\"SECRET_ACCESS_KEY\":\"\(secretKey)\"}}",
            ])
        return Secret(
            metadata: metadata,
            data: [
                "ACCESS_KEY_ID": Array(moto.credentials.accessKeyID.utf8), "SECRET_ACCESS_KEY": Array(secretKey.utf8),
                "unrelated": Array("not for nodes".utf8),
            ])
    }

    @Test(.enabled(if: Peers.motoEnabled, "moto not installed (\(Peers.motoInstall))"))
    func aNamedSecretReachesOnlyItsNodeAndAFixedKeyAppliesAtOnce() async throws {
        let moto = try await MotoPeer(objects: ["index/train.txt": "a\nb\nc\n"])
        defer { moto.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wrong = "wrong-\(UUID().uuidString)"
        try await withCloud { cloud in
            let client = try cloud.client
            _ = try await client.create(secret(moto, secretKey: wrong))
            var remote = cloudDataset("remote", node: "edge-1", dataUrl: "s3://\(moto.bucket)/index/train.txt")
            remote.spec.credentialName = "s3"
            _ = try await client.create(remote)
            // Another node, holding a dataset without credentials: it never gets the Secret.
            _ = try await client.create(cloudDataset("plain", node: "edge-2", dataUrl: "/data/plain.txt"))
            let other = try await Edge.live("edge-2", testbed: cloud)

            var configuration = EdgeAgent.Configuration(
                node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path], apiPort: 0, rescanInterval: .seconds(3600))
            configuration.allowInsecureHTTP = true
            // Far longer than the test: only the Secret's change can make the agent look again.
            configuration.remoteRetryBackoff = Backoff(initial: .seconds(3600), maximum: .seconds(3600))
            try await withAgent(configuration, hub: try cloud.edgeConfiguration("edge-1")) { capture in
                let node = try #require(capture.node.withLock { $0 })
                try await eventually("refused with the wrong key") {
                    try await client.get(Dataset.self, namespace: "default", name: "remote").status?.conditions?[type: "Ready"]?.reason == "AccessDenied"
                }
                // What the node holds is the credential only.
                let held = try #require(await node.heldSecret(namespace: "default", name: "s3"))
                #expect(Set(held.data?.keys.map { $0 } ?? []) == ["ACCESS_KEY_ID", "SECRET_ACCESS_KEY"])
                #expect(Set(held.metadata.annotations?.keys.map { $0 } ?? []) == ["s3-endpoint", "s3-usehttps"])

                var fixed = try await client.get(Secret.self, namespace: "default", name: "s3")
                fixed.data?["SECRET_ACCESS_KEY"] = Array(moto.credentials.secretAccessKey.utf8)
                _ = try await client.update(fixed)
                try await eventually("counted with the fixed key, without waiting out the backoff") {
                    try await client.get(Dataset.self, namespace: "default", name: "remote").status?.numberOfSamples == 3
                }
                #expect(await other.holds("s3", kind: .secret) == nil)
                #expect(await other.holds("plain") != nil)

                // The agent's store, which now holds a credential, is private.
                for file in ["agent.sqlite", "agent.sqlite-wal"] {
                    let mode = try FileManager.default.attributesOfItem(atPath: directory.path + "/agent/" + file)[.posixPermissions] as? Int
                    #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
                }
                // The key is nowhere in the cloud's objects or events.
                let status = "\(try await client.get(Dataset.self, namespace: "default", name: "remote"))"
                let eventType = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
                let events = "\(try await client.list(eventType, namespace: "default"))"
                for text in [status, events] {
                    #expect(!text.contains(wrong) && !text.contains(moto.credentials.secretAccessKey))
                }

                // The last object naming it goes: so does the Secret.
                try await client.delete(Dataset.self, namespace: "default", name: "remote")
                try await eventually("secret left the node") { await node.heldSecret(namespace: "default", name: "s3") == nil }
                #expect(node.credentials?.heldNames.isEmpty == true)
            }
            await other.stop()
        }
    }
}
