import EdgeAIAPI
import Foundation
import HTTPTypes
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.timeLimit(.minutes(5)))
struct PathAndSelectorTests {
    @Test func pathsParse() {
        #expect(RequestTarget(path: "/apis/edgeai.io/v1alpha1/namespaces/ns/datasets/x/status")
            == .resource(.init(group: "edgeai.io", version: "v1alpha1", namespace: "ns", plural: "datasets", name: "x", subresource: "status")))
        #expect(RequestTarget(path: "/api/v1/namespaces/ns")
            == .resource(.init(group: "", version: "v1", namespace: nil, plural: "namespaces", name: "ns", subresource: nil)))
        #expect(RequestTarget(path: "/apis/edgeai.io/v1alpha1/datasets")
            == .resource(.init(group: "edgeai.io", version: "v1alpha1", namespace: nil, plural: "datasets", name: nil, subresource: nil)))
        #expect(RequestTarget(path: "/apis") == .groups)
        #expect(RequestTarget(path: "/openapi/v3/apis/edgeai.io/v1alpha1") == .openAPIV3(group: "edgeai.io", version: "v1alpha1"))
        #expect(RequestTarget(path: "/nope") == .unknown)
    }

    @Test func headersAreReadAsGoReadsThemFirstValueOnly() {
        // kube-apiserver reads Accept, Content-Type, Authorization with Go's Header.Get.
        var fields: HTTPFields = [.accept: "application/json", .contentType: "application/merge-patch+json"]
        fields.append(HTTPField(name: .accept, value: "application/yaml"))
        #expect(fields.first(.accept) == "application/json")
        #expect(fields.first(.contentType) == "application/merge-patch+json")
        #expect(fields.first(.authorization) == nil)
        #expect(fields[.accept] == "application/json, application/yaml")
    }

    @Test func labelSelectorSyntax() throws {
        let s = try LabelSelector(parsing: "a=1,b!=2,c in (x, y),d notin (z),e,!f")
        #expect(s.matches(["a": "1", "c": "x", "e": ""]))
        #expect(!s.matches(["a": "1", "b": "2", "c": "x", "e": ""]))
        #expect(!s.matches(["a": "1", "c": "x", "e": "", "f": "1"]))
        #expect(!s.matches(["a": "1", "c": "w", "e": ""]))
        #expect(throws: APIError.self) { try LabelSelector(parsing: "a in x") }
    }

    @Test func patches() throws {
        let doc: JSONValue = ["a": ["b": 1, "c": 2], "l": [1, 2]]
        #expect(Patches.merge(doc, ["a": ["b": nil, "d": 3]]) == ["a": ["c": 2, "d": 3], "l": [1, 2]])
        let ops: JSONValue = [["op": "test", "path": "/a/b", "value": 1], ["op": "add", "path": "/l/-", "value": 3], ["op": "remove", "path": "/a/c"]]
        let patched = try Patches.jsonPatch(doc, ops)
        #expect(patched == ["a": ["b": 1], "l": [1, 2, 3]], "\(JSONWriter.string(patched))")
        #expect(throws: Patches.Failure.self) { try Patches.jsonPatch(doc, [["op": "test", "path": "/a/b", "value": 2]]) }
        #expect(throws: Patches.Failure.self) { try Patches.jsonPatch(doc, [["op": "replace", "path": "/zz", "value": 2]]) }
    }

    @Test func humanDurations() {
        #expect(TableConverter.humanDuration(5) == "5s")
        #expect(TableConverter.humanDuration(200) == "3m20s")
        #expect(TableConverter.humanDuration(25 * 60) == "25m")
        #expect(TableConverter.humanDuration(5 * 3600 + 600) == "5h10m")
        #expect(TableConverter.humanDuration(3 * 86400) == "3d")
    }

    @Test func templateSplicesRevision() throws {
        let t = ObjectTemplate(["metadata": ["name": "x"], "spec": ["a": "b"]])
        let v = try JSONParser.parse(t.bytes(revision: 42))
        #expect(v == ["metadata": ["name": "x", "resourceVersion": "42"], "spec": ["a": "b"]])
    }
}
