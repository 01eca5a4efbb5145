import EdgeAIAPI
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

/// EdgeNode, a cluster-scoped custom resource, served as kube-apiserver serves one: paths
/// without `namespaces/…`, discovery `namespaced: false` / scope `Cluster`, tables, watch.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ClusterScopedTests {
    static let nodes = "/apis/edgeai.io/v1alpha1/edgenodes"
    static func node(_ name: String, labels: String = "{}", namespace: String? = nil) -> String {
        let ns = namespace.map { #","namespace":"\#($0)""# } ?? ""
        return #"{"apiVersion":"edgeai.io/v1alpha1","kind":"EdgeNode","metadata":{"name":"\#(name)","labels":\#(labels)\#(ns)},"spec":{}}"#
    }

    @Test func crudWithoutNamespaces() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(Self.nodes, Self.node("edge-1", labels: #"{"site":"factory-3"}"#, namespace: "default"))
        #expect(created.status == 201)
        #expect(created.json["metadata"]?["namespace"] == nil)
        #expect(created.json["metadata"]?["labels"]?["site"] == "factory-3")
        #expect(try await s.get(Self.nodes + "/edge-1").json == created.json)
        // A namespaced path does not address a cluster-scoped kind.
        #expect(try await s.get("/apis/edgeai.io/v1alpha1/namespaces/default/edgenodes/edge-1").status == 404)
        #expect(try await s.post("/apis/edgeai.io/v1alpha1/namespaces/default/edgenodes", Self.node("edge-2")).status == 404)
        let again = try await s.post(Self.nodes, Self.node("edge-1"))
        #expect(again.status == 409)
        #expect(again.json["message"] == #"edgenodes.edgeai.io "edge-1" already exists"#)

        let status = try await s.patch(Self.nodes + "/edge-1/status", #"{"status":{"phase":"Online","datasets":3},"metadata":{"labels":{"site":"x"}}}"#)
        #expect(status.status == 200)
        #expect(status.json["status"]?["phase"] == "Online")
        #expect(status.json["metadata"]?["labels"]?["site"] == "factory-3")  // /status ignores metadata
        let bad = try await s.patch(Self.nodes + "/edge-1/status", #"{"status":{"phase":"Sleeping"}}"#)
        #expect(bad.status == 422)

        _ = try await s.post(Self.nodes, Self.node("edge-2", labels: #"{"site":"lab"}"#))
        let selected = try await s.get(Self.nodes + "?labelSelector=site%3Dfactory-3")
        #expect(selected.json["kind"] == "EdgeNodeList")
        #expect(selected.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } == ["edge-1"])

        let deleted = try await s.request(.DELETE, Self.nodes + "/edge-1")
        #expect(deleted.status == 200)
        #expect(try await s.get(Self.nodes + "/edge-1").status == 404)
        try await s.stop()
    }

    @Test func discoveryTableAndWatch() async throws {
        let s = try await TestServer.start()
        let gv = try await s.get("/apis/edgeai.io/v1alpha1")
        let resources = gv.json["resources"]?.arrayValue ?? []
        #expect(resources.first { $0["name"] == "edgenodes" }?["namespaced"] == false)
        #expect(resources.first { $0["name"] == "edgenodes/status" }?["namespaced"] == false)
        #expect(resources.first { $0["name"] == "datasets" }?["namespaced"] == true)
        let agg = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
        let apis = try await s.get("/apis", accept: agg)
        let group = apis.json["items"]?.arrayValue?.first { $0["metadata"]?["name"] == "edgeai.io" }
        let listed = group?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == "edgenodes" }
        #expect(listed?["scope"] == "Cluster")
        #expect(listed?["shortNames"] == ["enode"])

        let start = try await s.get(Self.nodes).json.rv
        let w = try await s.watch(Self.nodes + "?watch=1&resourceVersion=\(start)")
        #expect(w.status == 200)
        _ = try await s.post(Self.nodes, Self.node("edge-1"))
        _ = try await s.patch(Self.nodes + "/edge-1/status", #"{"status":{"phase":"Online","datasets":2,"models":1,"agentVersion":"1.2"}}"#)
        _ = try await s.request(.DELETE, Self.nodes + "/edge-1")
        #expect(try await w.nextEvent()?["type"] == "ADDED")
        let modified = try await w.nextEvent()
        #expect(modified?["type"] == "MODIFIED")
        #expect(modified?["object"]?["status"]?["datasets"] == 2)
        #expect(try await w.nextEvent()?["type"] == "DELETED")

        _ = try await s.post(Self.nodes, Self.node("edge-2"))
        _ = try await s.patch(Self.nodes + "/edge-2/status", #"{"status":{"phase":"Offline","datasets":2,"models":1,"agentVersion":"1.2"}}"#)
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        let table = try await s.get(Self.nodes + "?limit=500", accept: accept)
        let columns = table.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Name", "Status", "Last-Seen", "Datasets", "Models", "Version", "Age"])
        let cells = table.json["rows"]?.arrayValue?.first?["cells"]?.arrayValue
        #expect(cells?.prefix(6) == ["edge-2", "Offline", nil, 2, 1, "1.2"])
        try await s.stop()
    }
}
