import EdgeAIAPI
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct CRUDTests {
    let ds = TestServer.datasets

    @Test func createGetListDeleteAsKubeApiserver() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds, TestServer.dataset("dataset-examp"))
        #expect(created.status == 201)
        let meta = created.json["metadata"]
        #expect(meta?["generation"] == 1)
        #expect(meta?["namespace"] == "default")
        #expect(meta?["uid"]?.stringValue?.count == 36)
        #expect(meta?["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
        #expect(Int(created.json.rv) ?? 0 > 0)

        let got = try await s.get(ds + "/dataset-examp")
        #expect(got.status == 200)
        #expect(got.json == created.json)

        let again = try await s.post(ds, TestServer.dataset("dataset-examp"))
        #expect(again.status == 409)
        #expect(again.json["reason"] == "AlreadyExists")
        #expect(again.json["message"] == #"datasets.edgeai.io "dataset-examp" already exists"#)

        let missing = try await s.get(ds + "/nope")
        #expect(missing.status == 404)
        #expect(missing.json["message"] == #"datasets.edgeai.io "nope" not found"#)
        #expect(missing.json["details"] == ["name": "nope", "group": "edgeai.io", "kind": "datasets"])

        let list = try await s.get(ds)
        #expect(list.json["kind"] == "DatasetList")
        #expect(list.json["items"]?.arrayValue?.count == 1)

        let deleted = try await s.request(.DELETE, ds + "/dataset-examp")
        #expect(deleted.status == 200)
        #expect(deleted.json["status"] == "Success")
        #expect(deleted.json["details"]?["uid"] == meta?["uid"])
        #expect(try await s.get(ds + "/dataset-examp").status == 404)
        try await s.stop()
    }

    @Test func generateNameAddsFiveCharacters() async throws {
        let s = try await TestServer.start()
        let body = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"generateName":"ds-"},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#
        let r = try await s.post(ds, body)
        #expect(r.status == 201)
        let name = r.json["metadata"]?["name"]?.stringValue ?? ""
        #expect(name.hasPrefix("ds-") && name.count == 8)
        try await s.stop()
    }

    @Test func badInputIsRejectedWithKubernetesWordingAndNothingStored() async throws {
        let s = try await TestServer.start()
        let invalidName = try await s.post(ds, TestServer.dataset("Bad_Name"))
        #expect(invalidName.status == 422)
        #expect(invalidName.json["reason"] == "Invalid")
        #expect(invalidName.json["details"]?["causes"]?.arrayValue?.first?["field"] == "metadata.name")

        let wrongType = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"wrongtype"},"spec":{"dataUrl":5,"format":"txt","nodeName":"edge0"}}"#)
        #expect(wrongType.status == 422)
        #expect(wrongType.json["details"]?["causes"]?.arrayValue?.first?["field"] == "spec.dataUrl")

        let strict = try await s.post(ds + "?fieldValidation=Strict", TestServer.dataset("unknownfield", extra: #","bogus":1"#))
        #expect(strict.status == 400)
        #expect(strict.json["message"] == #"Dataset in version "v1alpha1" cannot be handled as a Dataset: strict decoding error: unknown field "spec.bogus""#)

        let warned = try await s.post(ds, TestServer.dataset("unknownfield2", extra: #","bogus":1"#))
        #expect(warned.status == 201)
        #expect(warned.header("Warning") == [#"299 - "unknown field \"spec.bogus\"""#])
        #expect(warned.json["spec"]?["bogus"] == nil)

        let malformed = try await s.post(ds, #"{"apiVersion": "edgeai.io/v1alpha1", "kind": "#)
        #expect(malformed.status == 400)
        #expect(malformed.json["message"] == #"the object provided is unrecognized (must be of type Dataset): couldn't get version/kind; json parse error: unexpected end of JSON input ({"apiVersion": "edgeai.io/v1al ...)"#)

        let badYAML = try await s.post(ds, "apiVersion: [unclosed", contentType: "application/yaml")
        #expect(badYAML.status == 400)

        let unknownType = try await s.post(ds, "x", contentType: "text/plain")
        #expect(unknownType.status == 415)
        #expect(unknownType.json["reason"] == "UnsupportedMediaType")

        let huge = String(repeating: "a", count: 3 * 1024 * 1024 + 10)
        let tooLarge = try await s.post(ds, TestServer.dataset("huge", extra: #","x":"\#(huge)""#))
        #expect(tooLarge.status == 413)
        #expect(tooLarge.json["reason"] == "RequestEntityTooLarge")

        let list = try await s.get(ds)
        let names = list.json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        #expect(names == ["unknownfield2"])
        try await s.stop()
    }

    @Test func yamlBodyAndMissingNamespace() async throws {
        let s = try await TestServer.start()
        let yaml = "apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata: {name: fromyaml}\nspec: {dataUrl: /y, format: txt, nodeName: edge0}\n"
        let r = try await s.post(ds, yaml, contentType: "application/yaml")
        #expect(r.status == 201)
        #expect(r.json["spec"]?["dataUrl"] == "/y")
        let missing = try await s.post("/apis/edgeai.io/v1alpha1/namespaces/nowhere/datasets", TestServer.dataset("x"))
        #expect(missing.status == 404)
        #expect(missing.json["message"] == #"namespaces "nowhere" not found"#)
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            #expect(try await s.get("/api/v1/namespaces/\(ns)").status == 200)
        }
        try await s.stop()
    }

    @Test func updateNeedsCurrentResourceVersion() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds, TestServer.dataset("u"))
        var object = created.json
        object["spec"]?["format"] = "csv"
        object["metadata"]?["resourceVersion"] = "1"
        let stale = try await s.request(.PUT, ds + "/u", body: JSONWriter.string(object))
        #expect(stale.status == 409)
        #expect(stale.json["message"] == #"Operation cannot be fulfilled on datasets.edgeai.io "u": the object has been modified; please apply your changes to the latest version and try again"#)
        object["metadata"]?["resourceVersion"] = .string(created.json.rv)
        let ok = try await s.request(.PUT, ds + "/u", body: JSONWriter.string(object))
        #expect(ok.status == 200)
        #expect(ok.json["metadata"]?["generation"] == 2)
        object["metadata"]?["resourceVersion"] = nil
        let unconditional = try await s.request(.PUT, ds + "/u", body: JSONWriter.string(object))
        #expect(unconditional.status == 422)
        try await s.stop()
    }

    @Test func concurrentConflictingUpdatesExactlyOneWins() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds, TestServer.dataset("race"))
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                var object = created.json
                object["spec"]?["dataUrl"] = .string("/d\(i)")
                let body = JSONWriter.string(object)
                group.addTask { try await s.request(.PUT, TestServer.datasets + "/race", body: body).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 7)
        try await s.stop()
    }

    @Test func finalizersDelayDeletionUntilRemoved() async throws {
        let s = try await TestServer.start()
        let body = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"fin","finalizers":["edgeai.io/x"]},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#
        #expect(try await s.post(ds, body).status == 201)
        let deleting = try await s.request(.DELETE, ds + "/fin")
        #expect(deleting.status == 200)
        #expect(deleting.json["metadata"]?["deletionTimestamp"] != nil)
        #expect(try await s.get(ds + "/fin").status == 200)
        let removed = try await s.patch(ds + "/fin", #"{"metadata":{"finalizers":null}}"#)
        #expect(removed.status == 200)
        #expect(try await s.get(ds + "/fin").status == 404)
        try await s.stop()
    }

    @Test func dryRunStoresNothingAndDeleteCollectionListsDeleted() async throws {
        let s = try await TestServer.start()
        let dry = try await s.post(ds + "?dryRun=All", TestServer.dataset("dry"))
        #expect(dry.status == 201)
        #expect(try await s.get(ds + "/dry").status == 404)
        for n in ["a", "b", "c"] { _ = try await s.post(ds, TestServer.dataset(n, labels: ["k": n == "c" ? "keep" : "go"])) }
        let gone = try await s.request(.DELETE, ds + "?labelSelector=k%3Dgo")
        #expect(gone.status == 200)
        #expect(gone.json["kind"] == "DatasetList")
        #expect(gone.json["items"]?.arrayValue?.count == 2)
        let left = try await s.get(ds)
        #expect(left.json["items"]?.arrayValue?.map { $0["metadata"]?["name"] } == ["c"])
        try await s.stop()
    }
}
