import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAICore
import EdgeAIPKI
import EdgeAITesting
import Foundation
import JSON
import KubeClient
import Testing

@Suite(.serialized, .timeLimit(.minutes(5)))
struct ClientIntegrationTests {
    @Test func typedCRUDPatchAndErrors() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let client = try cluster.client()
        do {
            let created = try await client.create(sampleDataset("one"))
            #expect(created.metadata.uid != nil && created.metadata.resourceVersion != nil)
            let dup = await #expect(throws: KubeError.self) { try await client.create(sampleDataset("one")) }
            #expect(dup?.isAlreadyExists == true && dup?.code == 409)

            var fetched = try await client.get(Dataset.self, namespace: "default", name: "one")
            #expect(fetched.spec.dataUrl == "/data/one")
            fetched.spec.dataUrl = "/data/changed"
            let updated = try await client.update(fetched)
            #expect(updated.spec.dataUrl == "/data/changed")
            // The stale copy (old resourceVersion) is refused with Conflict.
            let stale = await #expect(throws: KubeError.self) { try await client.update(fetched) }
            #expect(stale?.isConflict == true)

            // retryOnConflict re-reads and succeeds.
            let relabelled = try await retryOnConflict {
                var current = try await client.get(Dataset.self, namespace: "default", name: "one")
                current.metadata.labels = ["tier": "gold"]
                return try await client.update(current)
            }
            #expect(relabelled.metadata.labels?["tier"] == "gold")

            var withStatus = relabelled
            withStatus.status = DatasetStatus(numberOfSamples: 42)
            let statusWritten = try await client.updateStatus(withStatus)
            #expect(statusWritten.status?.numberOfSamples == 42)

            let merged = try await client.patch(
                Dataset.self, namespace: "default", name: "one", ["status": ["numberOfSamples": 7]], type: .merge, subresource: "status")
            #expect(merged.status?.numberOfSamples == 7)
            let uid = try #require(created.metadata.uid)
            let jsonPatched = try await client.patch(
                Dataset.self, namespace: "default", name: "one",
                [["op": "test", "path": "/metadata/uid", "value": .string(uid)], ["op": "replace", "path": "/spec/format", "value": "csv"]],
                type: .json)
            #expect(jsonPatched.spec.format == "csv")
            let wrongUID = await #expect(throws: KubeError.self) {
                try await client.patch(
                    Dataset.self, namespace: "default", name: "one",
                    [["op": "test", "path": "/metadata/uid", "value": "nope"], ["op": "replace", "path": "/spec/format", "value": "txt"]],
                    type: .json)
            }
            #expect(wrongUID?.code == 422)

            let applied = try await client.apply(sampleDataset("applied", node: "edge9"), fieldManager: "tests")
            #expect(applied.spec.nodeName == "edge9")

            // Pages: 5 more objects, listed 2 at a time, all returned.
            for i in 0..<5 { _ = try await client.create(sampleDataset("page\(i)")) }
            let all = try await client.list(Dataset.self, namespace: "default", options: ListOptions(limit: 2))
            #expect(all.items.count == 7)
            #expect(all.metadata.continue == nil && all.metadata.resourceVersion != nil)
            let page = try await client.listPage(Dataset.self, namespace: "default", options: ListOptions(limit: 2))
            #expect(page.items.count == 2 && page.metadata.continue != nil)
            let selected = try await client.list(Dataset.self, options: ListOptions(labelSelector: "tier=gold"))
            #expect(selected.items.map(\.name) == ["one"])

            // Dry run leaves nothing behind.
            _ = try await client.create(sampleDataset("dry"), options: WriteOptions(dryRun: true))
            let missing = await #expect(throws: KubeError.self) { try await client.get(Dataset.self, namespace: "default", name: "dry") }
            #expect(missing?.isNotFound == true)

            // Delete preconditions.
            let wrong = await #expect(throws: KubeError.self) {
                try await client.delete(Dataset.self, namespace: "default", name: "one", options: DeleteOptions(preconditionUID: "other"))
            }
            #expect(wrong?.isConflict == true)
            try await client.delete(
                Dataset.self, namespace: "default", name: "one",
                options: DeleteOptions(preconditionUID: uid, propagationPolicy: "Background"))
            let gone = await #expect(throws: KubeError.self) { try await client.get(Dataset.self, namespace: "default", name: "one") }
            #expect(gone?.isNotFound == true && gone?.reason == "NotFound")
        } catch {
            Issue.record("unexpected error: \(error)")
        }
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func untypedOperationsAndStrictValidation() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let client = try cluster.client()
        let type = Dataset.resourceType
        let body: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset", "metadata": ["name": "raw"],
            "spec": ["dataUrl": "/r", "format": "txt", "nodeName": "edge0", "bogus": 1],
        ]
        let strict = await #expect(throws: KubeError.self) {
            try await client.create(type, namespace: "default", body, options: WriteOptions(fieldValidation: "Strict"))
        }
        #expect(strict?.code == 400)
        #expect(strict?.message.contains("bogus") == true)
        let created = try await client.create(type, namespace: "default", body)
        #expect(created["spec"]?["bogus"] == nil, "unknown fields are pruned by default")
        let got = try await client.get(type, namespace: "default", name: "raw")
        #expect(got["metadata"]?["uid"] == created["metadata"]?["uid"])
        let list = try await client.list(type, namespace: "default")
        #expect(list["items"]?.arrayValue?.count == 1)
        let invalid = await #expect(throws: KubeError.self) {
            try await client.create(type, namespace: "default", ["apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset", "metadata": ["name": "bad"], "spec": ["format": "txt"]])
        }
        #expect(invalid?.isInvalid == true)
        #expect(invalid?.causes.isEmpty == false)
        let status = try await client.delete(type, namespace: "default", name: "raw")
        #expect(status["kind"] == "Status" || status["kind"] == "Dataset")
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func rejectedTokenAndRotatedTokenFile() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let bad = try KubeClient(config: cluster.config(token: "not-a-token"))
        let error = await #expect(throws: KubeError.self) { try await bad.list(Dataset.self) }
        #expect(error?.isUnauthorized == true && error?.code == 401)
        try await bad.shutdown()

        // A token file that starts wrong and is rotated to the right token: the 401 re-reads it.
        let tokenFile = cluster.directory.file("sa-token")
        try "stale".write(to: tokenFile, atomically: true, encoding: .utf8)
        var config = cluster.config()
        config.credentials = .tokenFile(tokenFile.path)
        config.tokenRefreshInterval = .seconds(3600)
        let rotating = try KubeClient(config: config)
        await #expect(throws: KubeError.self) { try await rotating.list(Dataset.self) }
        try cluster.credentials.adminToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let list = try await rotating.list(Dataset.self)
        #expect(list.items.isEmpty)
        try await rotating.shutdown()
        await cluster.remove()
    }

    @Test func wrongCertificateAuthorityIsRefusedWithoutRetrying() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let other = try TemporaryDirectory()
        let foreign = try PKIBootstrap.ensure(dataDirectory: other.path, hosts: ["127.0.0.1"])
        var config = cluster.config()
        config.certificateAuthorityPEM = Array(foreign.certificateAuthority.certificatePEM.utf8)
        // A retry would wait at least 60 s first: finishing well before that proves there was none.
        let patient = RetryPolicy(maxRetries: 3, backoff: Backoff(initial: .seconds(60), maximum: .seconds(60)))
        let client = try KubeClient(config: config, retryPolicy: patient)
        let started = ContinuousClock.now
        let error = await #expect(throws: KubeError.self) { try await client.list(Dataset.self) }
        #expect(error?.kind == .network)
        #expect(ContinuousClock.now - started < .seconds(30), "TLS failures are not retried")
        try await client.shutdown()
        other.remove()
        await cluster.remove()
    }

    @Test func clientCertificateAuthentication() async throws {
        let cluster = try TestCluster()
        try await cluster.start()
        let issued = try cluster.credentials.certificateAuthority.issueClientCertificate(user: "admin", groups: ["system:masters"])
        var config = cluster.config()
        config.credentials = .none
        config.clientCertificatePEM = Array(issued.certificatePEM.utf8)
        config.clientKeyPEM = Array(issued.privateKeyPEM.utf8)
        let client = try KubeClient(config: config)
        let created = try await client.create(sampleDataset("by-cert"))
        #expect(created.name == "by-cert")
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func adminKubeconfigWorksEndToEnd() async throws {
        let cluster = try TestCluster()
        let port = try await cluster.start()
        let path = try cluster.credentials.writeAdminKubeconfig(port: port)
        var config = try KubeConfig.load(environment: ["KUBECONFIG": path])
        config.qps = 1000
        let client = try KubeClient(config: config)
        _ = try await client.create(sampleDataset("via-kubeconfig"))
        #expect(try await client.get(Dataset.self, name: "via-kubeconfig").namespace == "default")
        try await client.shutdown()
        await cluster.remove()
    }

    @Test func connectionRefusedIsANetworkErrorAfterRetries() async throws {
        let proxy = try TCPProxy(upstreamPort: 9)
        proxy.setRefusing(true)
        var config = KubeConfig(server: "http://127.0.0.1:\(proxy.port)")
        config.qps = 1000
        let client = try KubeClient(config: config, retryPolicy: RetryPolicy(maxRetries: 2, backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(5))))
        let error = await #expect(throws: KubeError.self) { try await client.list(Dataset.self) }
        #expect(error?.isNetwork == true)
        #expect(proxy.accepted == 3, "one attempt and two retries")
        try await client.shutdown()
        proxy.close()
    }
}
