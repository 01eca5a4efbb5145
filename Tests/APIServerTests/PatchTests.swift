import EdgeAIAPI
import Foundation
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct PatchTests {
    let ds = TestServer.datasets

    @Test func statusSubresourceSemantics() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds, TestServer.dataset("st"))
        let uid = created.json["metadata"]?["uid"]?.stringValue ?? ""

        let status = try await s.patch(ds + "/st/status", #"{"status":{"numberOfSamples":1001,"updateTime":"2026-11-30T00:00:00Z"}}"#)
        #expect(status.status == 200)
        #expect(status.json["status"]?["numberOfSamples"] == 1001)
        #expect(status.json["metadata"]?["generation"] == 1)

        let ignoresSpec = try await s.patch(ds + "/st/status", #"{"spec":{"format":"csv"},"status":{"numberOfSamples":5}}"#)
        #expect(ignoresSpec.json["spec"]?["format"] == "txt")
        #expect(ignoresSpec.json["status"]?["numberOfSamples"] == 5)

        let ignoresStatus = try await s.patch(ds + "/st", #"{"spec":{"format":"csv"},"status":{"numberOfSamples":9}}"#)
        #expect(ignoresStatus.json["spec"]?["format"] == "csv")
        #expect(ignoresStatus.json["status"]?["numberOfSamples"] == 5)
        #expect(ignoresStatus.json["metadata"]?["generation"] == 2)

        let wrongUIDMerge = try await s.patch(ds + "/st/status", #"{"metadata":{"uid":"00000000-0000-0000-0000-000000000000"},"status":{"numberOfSamples":1003}}"#)
        #expect(wrongUIDMerge.status == 200)
        #expect(wrongUIDMerge.json["metadata"]?["uid"] == .string(uid))

        let testOK = try await s.patch(
            ds + "/st/status", #"[{"op":"test","path":"/metadata/uid","value":"\#(uid)"},{"op":"replace","path":"/status/numberOfSamples","value":1002}]"#,
            type: "application/json-patch+json")
        #expect(testOK.status == 200)
        #expect(testOK.json["status"]?["numberOfSamples"] == 1002)

        let testFail = try await s.patch(
            ds + "/st/status", #"[{"op":"test","path":"/metadata/uid","value":"00000000-0000-0000-0000-000000000000"},{"op":"replace","path":"/status/numberOfSamples","value":1}]"#,
            type: "application/json-patch+json")
        #expect(testFail.status == 422)
        #expect(testFail.json["message"] == "the server rejected our request due to an error in our request")
        #expect(try await s.get(ds + "/st").json["status"]?["numberOfSamples"] == 1002)

        let noop = try await s.patch(ds + "/st/status", #"{"status":{"numberOfSamples":1002}}"#)
        #expect(noop.json.rv == testOK.json.rv)
        try await s.stop()
    }

    @Test func strategicAndUnknownPatchTypesAre415() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("p"))
        let strategic = try await s.patch(ds + "/p", #"{"spec":{"format":"x"}}"#, type: "application/strategic-merge-patch+json")
        #expect(strategic.status == 415)
        #expect(strategic.json["message"] == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        let bad = try await s.patch(ds + "/p", "{", type: "application/merge-patch+json")
        #expect(bad.status == 400)
        let invalid = try await s.patch(ds + "/p", #"{"spec":{"dataUrl":5}}"#)
        #expect(invalid.status == 422)
        let missing = try await s.patch(ds + "/nope", #"{"spec":{}}"#)
        #expect(missing.status == 404)
        try await s.stop()
    }

    @Test func applyPatchCreatesThenMerges() async throws {
        let s = try await TestServer.start()
        let yaml = "apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata: {name: ssa-one}\nspec: {dataUrl: /s, format: txt, nodeName: edge0}\n"
        let created = try await s.patch(ds + "/ssa-one?fieldManager=ref", yaml, type: "application/apply-patch+yaml")
        #expect(created.status == 201)
        let updated = try await s.patch(
            ds + "/ssa-one?fieldManager=ref", yaml.replacingOccurrences(of: "format: txt", with: "format: csv"), type: "application/apply-patch+yaml")
        #expect(updated.status == 200)
        #expect(updated.json["spec"]?["format"] == "csv")
        #expect(updated.json["metadata"]?["generation"] == 2)
        let noManager = try await s.patch(ds + "/ssa-one", yaml, type: "application/apply-patch+yaml")
        #expect(noManager.status == 400)
        try await s.stop()
    }
}
