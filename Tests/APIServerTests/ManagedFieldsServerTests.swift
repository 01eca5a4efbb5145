import EdgeAIAPI
import Foundation
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

/// managedFields through the real in-process server: what each write records, apply conflicts,
/// force, pruning, no-ops and explicit managedFields (reference 10, 27, 35).
@Suite(.serialized, .timeLimit(.minutes(5))) struct ManagedFieldsServerTests {
    let ds = TestServer.datasets
    static let apply = "application/apply-patch+yaml"

    static func managers(_ object: JSONValue) -> [String] {
        (object["metadata"]?["managedFields"]?.arrayValue ?? []).map { e in
            [e["manager"]?.stringValue ?? "", e["operation"]?.stringValue ?? "", e["subresource"]?.stringValue ?? ""].joined(separator: "/")
        }
    }

    static func entry(_ object: JSONValue, _ manager: String, subresource: String? = nil) -> JSONValue? {
        object["metadata"]?["managedFields"]?.arrayValue?.first { $0["manager"]?.stringValue == manager && $0["subresource"]?.stringValue == subresource }
    }

    static func yaml(_ name: String, format: String, labels: String = "") -> String {
        "apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata:\n  name: \(name)\n\(labels)spec:\n  dataUrl: /code/data\n  format: \(format)\n  nodeName: edge0\n"
    }

    @Test func createAndStatusWritesRecordTheirManagers() async throws {
        let s = try await TestServer.start()
        let created = try await s.request(.POST, ds, body: TestServer.dataset("c"), headers: [("User-Agent", "Python-urllib/3.12")])
        #expect(created.status == 201)
        let entry = try #require(Self.entry(created.json, "Python-urllib"))
        #expect(entry["operation"] == "Update")
        #expect(entry["apiVersion"] == "edgeai.io/v1alpha1")
        #expect(entry["fieldsType"] == "FieldsV1")
        #expect(JSONWriter.string(entry["fieldsV1"] ?? .null) == #"{"f:spec":{".":{},"f:dataUrl":{},"f:format":{},"f:nodeName":{}}}"#)
        let time = entry["time"]?.stringValue ?? ""
        #expect(Time(rfc3339: time) != nil && time.hasSuffix("Z") && !time.contains("."))

        let status = try await s.request(
            .PATCH, ds + "/c/status", body: #"{"status":{"numberOfSamples":4,"updateTime":"2026-11-30T00:00:00Z"}}"#,
            contentType: "application/merge-patch+json", headers: [("User-Agent", "Python-urllib/3.12")])
        #expect(Self.managers(status.json) == ["Python-urllib/Update/", "Python-urllib/Update/status"])
        let statusEntry = try #require(Self.entry(status.json, "Python-urllib", subresource: "status"))
        #expect(JSONWriter.string(statusEntry["fieldsV1"] ?? .null) == #"{"f:status":{".":{},"f:numberOfSamples":{},"f:updateTime":{}}}"#)

        // A write that changes nothing leaves resourceVersion and managedFields alone.
        let noop = try await s.patch(ds + "/c/status?fieldManager=someone-else", #"{"status":{"numberOfSamples":4}}"#)
        #expect(noop.json.rv == status.json.rv)
        #expect(noop.json["metadata"]?["managedFields"] == status.json["metadata"]?["managedFields"])

        // A fieldManager kube refuses is a 422 and changes nothing.
        let long = String(repeating: "m", count: 129)
        let refused = try await s.patch(ds + "/c?fieldManager=\(long)", #"{"spec":{"format":"csv"}}"#)
        #expect(refused.status == 422)
        #expect(refused.json["details"]?["kind"] == "PatchOptions")
        #expect(try await s.post(ds + "?fieldManager=\(long)", TestServer.dataset("c2")).status == 422)
        #expect(try await s.get(ds + "/c").json.rv == status.json.rv)

        // Another manager changing a field takes it over.
        let edit = try await s.patch(ds + "/c?fieldManager=editor", #"{"spec":{"format":"csv"}}"#)
        let editor = try #require(Self.entry(edit.json, "editor"))
        #expect(JSONWriter.string(editor["fieldsV1"] ?? .null) == #"{"f:spec":{"f:format":{}}}"#)
        let creator = try #require(Self.entry(edit.json, "Python-urllib"))
        #expect(creator["fieldsV1"]?["f:spec"]?["f:format"] == nil)
        try await s.stop()
    }

    @Test func applyCreateIsAnApplyEntryWithoutDot() async throws {
        let s = try await TestServer.start()
        let created = try await s.patch(ds + "/a?fieldManager=ref", Self.yaml("a", format: "txt"), type: Self.apply)
        #expect(created.status == 201)
        #expect(Self.managers(created.json) == ["ref/Apply/"])
        let entry = try #require(Self.entry(created.json, "ref"))
        #expect(JSONWriter.string(entry["fieldsV1"] ?? .null) == #"{"f:spec":{"f:dataUrl":{},"f:format":{},"f:nodeName":{}}}"#)

        // kube refuses managedFields and another version inside an apply configuration.
        let withManaged = try await s.patch(ds + "/a?fieldManager=ref", Self.yaml("a", format: "csv").replacingOccurrences(of: "  name: a\n", with: "  name: a\n  managedFields: []\n"), type: Self.apply)
        #expect(withManaged.status == 400)
        #expect(withManaged.json["message"] == "metadata.managedFields must be nil")
        let otherVersion = try await s.patch(ds + "/a?fieldManager=ref", Self.yaml("a", format: "csv").replacingOccurrences(of: "v1alpha1", with: "v1"), type: Self.apply)
        #expect(otherVersion.status == 400)
        #expect(otherVersion.json["message"] == "Incorrect version specified in apply patch. Specified patch version: edgeai.io/v1, expected: edgeai.io/v1alpha1")

        // Re-applying the same configuration changes nothing at all.
        let again = try await s.patch(ds + "/a?fieldManager=ref", Self.yaml("a", format: "txt"), type: Self.apply)
        #expect(again.status == 200)
        #expect(again.json.rv == created.json.rv)
        #expect(again.json["metadata"]?["managedFields"] == created.json["metadata"]?["managedFields"])
        try await s.stop()
    }

    @Test func applyOverAnotherManagersValueConflictsUnlessForced() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds + "?fieldManager=kubectl-client-side-apply", TestServer.dataset("x"))
        let conflict = try await s.patch(ds + "/x?fieldManager=ops", Self.yaml("x", format: "csv"), type: Self.apply)
        #expect(conflict.status == 409)
        #expect(conflict.json["reason"] == "Conflict")
        #expect(conflict.json["message"] == #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using edgeai.io/v1alpha1: .spec.format"#)
        let causes = conflict.json["details"]?["causes"]?.arrayValue ?? []
        #expect(causes.count == 1)
        #expect(causes.first?["type"] == "FieldManagerConflict")
        #expect(causes.first?["field"] == ".spec.format")
        #expect(causes.first?["message"] == #"conflict with "kubectl-client-side-apply" using edgeai.io/v1alpha1"#)
        let unchanged = try await s.get(ds + "/x")
        #expect(unchanged.json.rv == created.json.rv)
        #expect(unchanged.json["spec"]?["format"] == "txt")

        // The same value is shared, not a conflict.
        let shared = try await s.patch(ds + "/x?fieldManager=ops", Self.yaml("x", format: "txt"), type: Self.apply)
        #expect(shared.status == 200)
        #expect(Self.entry(shared.json, "kubectl-client-side-apply")?["fieldsV1"]?["f:spec"]?["f:format"] != nil)
        #expect(Self.entry(shared.json, "ops")?["fieldsV1"]?["f:spec"]?["f:format"] != nil)

        let forced = try await s.patch(ds + "/x?fieldManager=ops&force=true", Self.yaml("x", format: "csv"), type: Self.apply)
        #expect(forced.status == 200)
        #expect(forced.json["spec"]?["format"] == "csv")
        #expect(Self.entry(forced.json, "kubectl-client-side-apply")?["fieldsV1"]?["f:spec"]?["f:format"] == nil)
        #expect(Self.entry(forced.json, "kubectl-client-side-apply")?["fieldsV1"]?["f:spec"]?["f:nodeName"] != nil)
        #expect(Self.entry(forced.json, "ops")?["fieldsV1"]?["f:spec"]?["f:format"] != nil)
        try await s.stop()
    }

    @Test func applyThatDropsAFieldRemovesIt() async throws {
        let s = try await TestServer.start()
        let first = try await s.patch(ds + "/p?fieldManager=ops", Self.yaml("p", format: "txt", labels: "  labels:\n    a: \"1\"\n    b: \"2\"\n"), type: Self.apply)
        #expect(first.status == 201)
        // Another applier shares label b (same value): it stays when ops drops it; a changes hands.
        let other = "apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata:\n  name: p\n  labels:\n    b: \"2\"\n"
        #expect(try await s.patch(ds + "/p?fieldManager=other", other, type: Self.apply).status == 200)
        _ = try await s.patch(ds + "/p?fieldManager=labeler", #"{"metadata":{"labels":{"c":"3"}}}"#)
        // An Update setting a value equal to the live one takes no ownership: a is still only ops's.
        _ = try await s.patch(ds + "/p?fieldManager=labeler", #"{"metadata":{"labels":{"a":"1"}}}"#)
        let second = try await s.patch(ds + "/p?fieldManager=ops", Self.yaml("p", format: "txt"), type: Self.apply)
        #expect(second.status == 200)
        #expect(second.json["metadata"]?["labels"] == ["b": "2", "c": "3"])
        #expect(Self.entry(second.json, "ops")?["fieldsV1"]?["f:metadata"] == nil)
        try await s.stop()
    }

    @Test func kubectlMayTakeOverWhatItsLastAppliedConfigurationStillMatches() async throws {
        let s = try await TestServer.start()
        let last = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"annotations":{},"name":"k","namespace":"default"},"spec":{"dataUrl":"/code/data","format":"txt","nodeName":"edge0"}}"#
        let body = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"k","annotations":{"kubectl.kubernetes.io/last-applied-configuration":\#(JSONWriter.string(.string(last)))}},"spec":{"dataUrl":"/code/data","format":"txt","nodeName":"edge0"}}"#
        #expect(try await s.post(ds + "?fieldManager=kubectl-client-side-apply", body).status == 201)
        // Another manager (not kubectl) still conflicts.
        #expect(try await s.patch(ds + "/k?fieldManager=ops", Self.yaml("k", format: "csv"), type: Self.apply).status == 409)
        let applied = try await s.patch(ds + "/k?fieldManager=kubectl", Self.yaml("k", format: "csv"), type: Self.apply)
        #expect(applied.status == 200)
        #expect(applied.json["spec"]?["format"] == "csv")
        let annotation = applied.json["metadata"]?["annotations"]?["kubectl.kubernetes.io/last-applied-configuration"]?.stringValue ?? ""
        #expect(annotation.contains(#""format":"csv""#))
        #expect(Self.entry(applied.json, "kubectl-client-side-apply")?["fieldsV1"]?["f:spec"]?["f:format"] == nil)
        // Once another manager changed the field, the last-applied configuration no longer covers it.
        #expect(try await s.patch(ds + "/k?fieldManager=kubectl-patch", #"{"spec":{"format":"jsonl"}}"#).status == 200)
        let r = try await s.patch(ds + "/k?fieldManager=kubectl", Self.yaml("k", format: "txt"), type: Self.apply)
        #expect(r.status == 409)
        #expect(r.json["details"]?["causes"]?.arrayValue?.first?["message"] == #"conflict with "kubectl-patch" using edgeai.io/v1alpha1"#)
        try await s.stop()
    }

    @Test func explicitManagedFieldsReplaceOrClear() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(ds + "?fieldManager=kubectl-client-side-apply", TestServer.dataset("m"))
        var entry = try #require(Self.entry(created.json, "kubectl-client-side-apply"))
        entry["manager"] = "kubectl"
        entry["operation"] = "Apply"
        let migrate = #"[{"op":"replace","path":"/metadata/managedFields","value":[\#(JSONWriter.string(entry))]},{"op":"replace","path":"/metadata/resourceVersion","value":\#(JSONWriter.string(created.json["metadata"]?["resourceVersion"] ?? .null))}]"#
        let migrated = try await s.patch(ds + "/m", migrate, type: "application/json-patch+json")
        #expect(migrated.status == 200)
        #expect(Self.managers(migrated.json) == ["kubectl/Apply/"])
        // A stale resourceVersion in the patch is a conflict.
        let stale = try await s.patch(ds + "/m", migrate, type: "application/json-patch+json")
        #expect(stale.status == 409)

        let tooLong = String(repeating: "m", count: 129)
        var bad = entry
        bad["manager"] = .string(tooLong)
        let invalid = try await s.patch(ds + "/m", #"{"metadata":{"managedFields":[\#(JSONWriter.string(bad))]}}"#)
        #expect(invalid.status == 422)
        #expect(invalid.json["details"]?["causes"]?.arrayValue?.first?["field"] == "metadata.managedFields[0].manager")
        #expect(try await s.get(ds + "/m").json.rv == migrated.json.rv)

        let cleared = try await s.patch(ds + "/m", #"{"metadata":{"managedFields":[{}]}}"#)
        #expect(cleared.status == 200)
        #expect(cleared.json["metadata"]?["managedFields"] == nil)
        // [] is not a request to clear (kube ignores it, so clients unaware of the field lose nothing).
        _ = try await s.patch(ds + "/m?fieldManager=e", #"{"spec":{"format":"csv"}}"#)
        let kept = try await s.patch(ds + "/m", #"{"metadata":{"managedFields":[]}}"#)
        #expect(Self.managers(kept.json) == ["e/Update/"])
        try await s.stop()
    }
}
