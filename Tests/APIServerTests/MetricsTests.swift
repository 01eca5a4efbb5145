import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import JSON
import NIOHTTP1
import ObjectStore
import Testing

@testable import APIServer

/// `/metrics`: kube-apiserver's request metrics, open watches and the store's size, scraped
/// from a real server; and the pure request classification behind the labels.
@Suite(.timeLimit(.minutes(2)))
struct MetricsTests {
    static let ds = TestServer.datasets

    /// The sum of the samples of `name` whose labels include every one of `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String] = []) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard labels.allSatisfy({ line.contains($0) }), let v = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            total = (total ?? 0) + v
        }
        return total
    }

    @Test func labelsFollowKubeAPIServer() {
        let registry = ResourceRegistry.standard
        func labels(_ method: String, _ path: String, _ query: String? = nil, _ type: String? = nil) -> RequestMetricLabels {
            RequestMetricLabels(method: method, target: RequestTarget(path: path), query: query, contentType: type, registry: registry)
        }
        #expect(labels("GET", Self.ds).verb == "LIST")
        #expect(labels("GET", Self.ds, "watch=true").verb == "WATCH")
        #expect(labels("GET", Self.ds + "/a").verb == "GET")
        #expect(labels("GET", Self.ds + "/a").scope == "resource")
        #expect(labels("GET", "/apis/edgeai.io/v1alpha1/datasets").scope == "cluster")
        #expect(labels("PATCH", Self.ds + "/a/status", nil, "application/merge-patch+json").subresource == "status")
        #expect(labels("PATCH", Self.ds + "/a", nil, "application/apply-patch+yaml").verb == "APPLY")
        #expect(labels("DELETE", Self.ds).verb == "DELETECOLLECTION")
        #expect(labels("DELETE", Self.ds + "/a").verb == "DELETE")
        let ns = labels("POST", "/api/v1/namespaces")
        #expect(ns.verb == "POST" && ns.resource == "namespaces" && ns.group == "")
        // Unknown resources and subresources, non-resource paths and methods add no label values.
        #expect(labels("GET", "/apis/x.io/v1/namespaces/default/things").resource == "")
        #expect(labels("GET", Self.ds + "/a/evil-\(UInt64.random(in: 0...UInt64.max))").subresource == "")
        #expect(labels("HEAD", "/readyz") == RequestMetricLabels(verb: "GET"))
        #expect(labels("BREW", Self.ds).verb == "OTHER")
    }

    @Test func countersAndStoreFiguresMoveWithRequests() async throws {
        let s = try await TestServer.start()
        let before = try await s.get("/metrics")
        #expect(before.status == 200)
        #expect(before.header("Content-Type").first?.hasPrefix("text/plain; version=0.0.4") == true)
        let posts = ["verb=\"POST\"", "resource=\"datasets\"", "code=\"201\""]
        #expect(Self.value(before.text, "apiserver_request_total", posts) == nil)
        for i in 0..<3 { #expect(try await s.post(Self.ds, TestServer.dataset("m\(i)")).status == 201) }
        #expect(try await s.patch(Self.ds + "/m0/status", #"{"status":{"numberOfSamples":4}}"#).status == 200)
        #expect(try await s.get(Self.ds + "/missing").status == 404)
        let after = try await s.get("/metrics").text
        #expect(Self.value(after, "apiserver_request_total", posts) == 3)
        #expect(Self.value(after, "apiserver_request_total", ["verb=\"PATCH\"", "subresource=\"status\"", "code=\"200\""]) == 1)
        #expect(Self.value(after, "apiserver_request_total", ["verb=\"GET\"", "resource=\"datasets\"", "code=\"404\""]) == 1)
        #expect(Self.value(after, "apiserver_request_duration_seconds_count", ["verb=\"POST\"", "resource=\"datasets\""]) == 3)
        #expect(Self.value(after, "apiserver_storage_objects", ["resource=\"datasets.edgeai.io\""]) == 3)
        #expect((Self.value(after, "etcd_disk_backend_commit_duration_seconds_count") ?? 0) >= 4)
        #expect((Self.value(after, "apiserver_storage_size_bytes") ?? 0) > 0)
        #expect(Self.value(after, "edgeai_storage_wal_size_bytes") != nil)
        #expect((Self.value(after, "edgeai_storage_revision", ["kind=\"current\""]) ?? 0) >= 4)
        // The scrape itself is counted as a non-resource GET.
        #expect((Self.value(after, "apiserver_request_total", ["verb=\"GET\"", "resource=\"\"", "code=\"200\""]) ?? 0) >= 1)
        try await s.stop()
    }

    @Test func openWatchesAreAGaugeThatFallsWhenTheWatchEnds() async throws {
        let s = try await TestServer.start()
        let watching = ["verb=\"WATCH\"", "resource=\"datasets\""]
        // One watch stays open; a second one ends after a second: the gauge then counts 1
        // (0 without the increment, 2 without the decrement).
        let open = try await s.watch(Self.ds + "?watch=1&timeoutSeconds=120")
        let short = try await s.watch(Self.ds + "?watch=1&timeoutSeconds=1")
        #expect(open.status == 200 && short.status == 200)
        while try await short.next() != nil {}
        try await eventually("one open watch") { Self.value(try await s.get("/metrics").text, "apiserver_longrunning_requests", watching) == 1 }
        try await s.stop()
    }

    @Test func metricsNeedAnIdentityAllowedEverything() async throws {
        let s = try await TestServer.start()
        #expect(try await s.request(.GET, "/metrics", token: .some(nil)).status == 401)
        #expect(try await s.request(.GET, "/metrics", token: .some("not-a-token")).status == 401)
        var credentials = s.credentials
        let cloud = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        let forbidden = try await s.request(.GET, "/metrics", token: .some(cloud))
        #expect(forbidden.status == 403)
        #expect(forbidden.json["reason"] == "Forbidden")
        #expect(!forbidden.text.contains("apiserver_request_total"))
        #expect(try await s.request(.POST, "/metrics", body: "{}").status == 405)
        try await s.stop()
    }

    @Test func cappedHistoryAnswersGoneToOldWatchesWithoutWaitingForTheInterval() async throws {
        let s = try await TestServer.start(
            compaction: CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .seconds(3600), maxRetainedRevisions: 5),
            compactionInterval: .seconds(3600))
        for i in 0..<20 { _ = try await s.post(Self.ds, TestServer.dataset("h\(i)")) }
        try await eventually("watch from revision 2 is compacted") {
            let w = try await s.watch(Self.ds + "?watch=1&resourceVersion=2")
            let first = try await w.next()
            return first?["type"] == "ERROR" && first?["object"]?["code"] == 410
        }
        try await s.stop()
    }
}
