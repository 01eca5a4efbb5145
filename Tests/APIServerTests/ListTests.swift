import EdgeAIAPI
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct ListTests {
    let ds = TestServer.datasets

    @Test func selectorsPagingAndAllNamespaces() async throws {
        let s = try await TestServer.start()
        _ = try await s.post("/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}"#)
        for i in 0..<5 {
            _ = try await s.post(ds, TestServer.dataset("d\(i)", node: i % 2 == 0 ? "edge0" : "edge1", labels: ["tier": i < 3 ? "a" : "b"]))
        }
        _ = try await s.post("/apis/edgeai.io/v1alpha1/namespaces/other/datasets", TestServer.dataset("o1"))

        func names(_ query: String, _ path: String? = nil) async throws -> [String] {
            let r = try await s.get((path ?? ds) + query)
            #expect(r.status == 200, "\(query): \(r.text)")
            return r.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        }
        #expect(try await names("?labelSelector=tier%3Da") == ["d0", "d1", "d2"])
        #expect(try await names("?labelSelector=tier%3D%3Db") == ["d3", "d4"])
        #expect(try await names("?labelSelector=tier!%3Da") == ["d3", "d4"])
        #expect(try await names("?labelSelector=tier%20in%20(b)") == ["d3", "d4"])
        #expect(try await names("?labelSelector=tier%20notin%20(b)") == ["d0", "d1", "d2"])
        #expect(try await names("?labelSelector=tier") == ["d0", "d1", "d2", "d3", "d4"])
        #expect(try await names("?labelSelector=!tier") == [])
        #expect(try await names("?fieldSelector=spec.nodeName%3Dedge1") == ["d1", "d3"])
        #expect(try await names("?fieldSelector=spec.nodeName!%3Dedge1") == ["d0", "d2", "d4"])
        #expect(try await names("?fieldSelector=metadata.name%3Dd2") == ["d2"])
        #expect(try await names("", "/apis/edgeai.io/v1alpha1/datasets") == ["d0", "d1", "d2", "d3", "d4", "o1"])

        let unsupported = try await s.get(ds + "?fieldSelector=spec.format%3Dtxt")
        #expect(unsupported.status == 400)
        #expect(unsupported.json["message"] == "field label not supported: spec.format")

        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let q = "?limit=2" + (token.map { "&continue=\($0)" } ?? "")
            let r = try await s.get(ds + q)
            seen += r.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
            token = r.json["metadata"]?["continue"]?.stringValue
            if pages == 0 { #expect(r.json["metadata"]?["remainingItemCount"] == 3) }
            pages += 1
        } while token != nil && pages < 10
        #expect(seen == ["d0", "d1", "d2", "d3", "d4"])
        #expect(pages == 3)
        try await s.stop()
    }

    /// A selector over more objects than one store read (ObjectREST.selectorChunk): matches
    /// spread over several reads are found in order, paged with continue tokens, none twice.
    @Test func aSelectorPagesAcrossStoreReads() async throws {
        let s = try await TestServer.start()
        let count = ObjectREST.selectorChunk * 2 + 150
        for i in 0..<count {
            let name: String = "d" + String(i + 10_000)  // sorted as created
            let node: String = i % 97 == 0 ? "edge-rare" : "edge-common"
            _ = try await s.post(ds, TestServer.dataset(name, node: node))
        }
        let rare: [Int] = (0..<count).filter { $0 % 97 == 0 }
        let expected: [String] = rare.map { (i: Int) -> String in "d" + String(i + 10_000) }
        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let next: String = token.map { "&continue=" + $0 } ?? ""
            let r = try await s.get(ds + "?fieldSelector=spec.nodeName%3Dedge-rare&limit=4" + next)
            #expect(r.status == 200)
            #expect(r.json["metadata"]?["remainingItemCount"] == nil)
            seen += r.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
            token = r.json["metadata"]?["continue"]?.stringValue
            pages += 1
        } while token != nil && pages < 20
        #expect(seen == expected)
        #expect(pages == (expected.count + 3) / 4)
        // Without a limit, every match in one answer.
        let all = try await s.get(ds + "?fieldSelector=spec.nodeName%3Dedge-rare")
        #expect(all.json["items"]?.arrayValue?.count == expected.count)
        try await s.stop()
    }

    @Test func tableOutputFromPrinterColumns() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("dataset-examp"))
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        let t = try await s.get(ds + "?limit=500", accept: accept)
        #expect(t.json["kind"] == "Table")
        let columns = t.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns?.prefix(4) == ["Name", "NumberOfSamples", "Node", "spec"])
        let row = t.json["rows"]?.arrayValue?.first
        #expect(row?["cells"]?.arrayValue?.prefix(4) == ["dataset-examp", nil, "edge0", #"{"dataUrl":"/code/data","format":"txt","nodeName":"edge0"}"#])
        #expect(row?["object"]?["kind"] == "PartialObjectMetadata")
        let one = try await s.get(ds + "/dataset-examp", accept: accept)
        #expect(one.json["rows"]?.arrayValue?.count == 1)
        try await s.stop()
    }

    @Test func discoveryAndOpenAPI() async throws {
        let s = try await TestServer.start()
        let agg = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
        let apis = try await s.get("/apis", accept: agg)
        #expect(apis.header("Content-Type") == ["application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"])
        #expect(apis.json["items"]?.arrayValue?.contains { $0["metadata"]?["name"] == "edgeai.io" } == true)
        #expect(try await s.get("/api", accept: agg).json["kind"] == "APIGroupDiscoveryList")
        #expect(try await s.get("/api").json["kind"] == "APIVersions")
        #expect(try await s.get("/apis").json["kind"] == "APIGroupList")
        #expect(try await s.get("/apis/edgeai.io").json["preferredVersion"]?["version"] == "v1alpha1")
        let gv = try await s.get("/apis/edgeai.io/v1alpha1")
        #expect(gv.json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.contains("datasets/status") == true)
        let index = try await s.get("/openapi/v3")
        let url = index.json["paths"]?["apis/edgeai.io/v1alpha1"]?["serverRelativeURL"]?.stringValue ?? ""
        #expect(url.hasPrefix("/openapi/v3/apis/edgeai.io/v1alpha1?hash="))
        let doc = try await s.get(url)
        #expect(doc.json["components"]?["schemas"]?["io.edgeai.v1alpha1.Dataset"]?["properties"]?["spec"] != nil)
        #expect(doc.json["components"]?["schemas"]?["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] != nil)
        #expect(try await s.get("/openapi/v2").status == 200)
        #expect(try await s.get("/version").json["major"] == "1")
        #expect(try await s.get("/apis/nope.io/v1/things").status == 404)
        try await s.stop()
    }
}
