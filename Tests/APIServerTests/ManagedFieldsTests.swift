import EdgeAIAPI
import JSON
import Testing

@testable import APIServer

/// The field-ownership rules without a server: FieldsV1, compare, update, apply, conflicts.
struct ManagedFieldsTests {
    static func json(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    let fm = FieldManager(EdgeAIResources.dataset, subresource: nil, now: "2026-12-01T00:00:00Z")
    let statusFM = FieldManager(EdgeAIResources.dataset, subresource: "status", now: "2026-12-01T00:00:01Z")

    static let created = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"d","namespace":"ns","uid":"u","generation":1,"creationTimestamp":"2026-12-01T00:00:00Z"},"spec":{"dataUrl":"/code/data","format":"txt","nodeName":"edge0"}}"#

    @Test func fieldsV1RoundTripsWithTheDotEntry() throws {
        let text = #"{"f:metadata":{"f:annotations":{".":{},"f:a":{}}},"f:spec":{".":{},"f:dataUrl":{},"f:format":{}}}"#
        let set = try FieldSet(fieldsV1: Self.json(text))
        #expect(set.contains(["f:spec"]))
        #expect(set.contains(["f:spec", "f:format"]))
        #expect(!set.contains(["f:metadata"]))
        #expect(set.contains(["f:metadata", "f:annotations", "f:a"]))
        #expect(JSONWriter.string(set.fieldsV1) == text)
        #expect(throws: FieldSet.DecodeError.self) { try FieldSet(fieldsV1: Self.json(#"{"x":{}}"#)) }
        #expect(throws: FieldSet.DecodeError.self) { try FieldSet(fieldsV1: Self.json(#"{"f:a":1}"#)) }
    }

    @Test func setAlgebraIsPerPath() {
        var a = FieldSet()
        a.insert(["f:spec"])
        a.insert(["f:spec", "f:format"])
        var b = FieldSet()
        b.insert(["f:spec", "f:format"])
        b.insert(["f:spec", "f:nodeName"])
        #expect(a.subtracting(b).paths == [["f:spec"]])
        #expect(a.intersection(b).paths == [["f:spec", "f:format"]])
        #expect(a.union(b).paths.count == 3)
        #expect(FieldSet.describe(["f:status", "f:conditions", #"k:{"type":"Ready"}"#, "f:status"]) == #".status.conditions[type="Ready"].status"#)
        #expect(FieldSet.describe(["f:spec", "f:nodeNames", "v:\"edge0\""]) == #".spec.nodeNames[="edge0"]"#)
    }

    /// Reference 10: a create's Update entry owns spec with its "." and not metadata's server fields.
    @Test func createIsAnUpdateOwningEveryFieldSet() throws {
        let object = try Self.json(Self.created)
        let managed = fm.update(ManagedFields(), old: nil, new: object, manager: "Python-urllib")
        let expected = #"[{"apiVersion":"edgeai.io/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{},"f:dataUrl":{},"f:format":{},"f:nodeName":{}}},"manager":"Python-urllib","operation":"Update","time":"2026-12-01T00:00:00Z"}]"#
        #expect(managed.encoded.map(JSONWriter.string) == expected)
    }

    @Test func statusWritesAreTheirOwnEntryAndListItemsAreKeyed() throws {
        let object = try Self.json(Self.created)
        let base = fm.update(ManagedFields(), old: nil, new: object, manager: "hub")
        var withStatus = object
        withStatus["status"] = try Self.json(#"{"numberOfSamples":3,"conditions":[{"type":"Ready","status":"True"}]}"#)
        let managed = statusFM.update(base, old: object, new: withStatus, manager: "hub")
        #expect(managed.entries.count == 2)
        let status = try #require(managed.entries.first { $0.subresource == "status" })
        #expect(status.fields.contains(["f:status"]))
        #expect(status.fields.contains(["f:status", "f:conditions", #"k:{"type":"Ready"}"#]))
        #expect(status.fields.contains(["f:status", "f:conditions", #"k:{"type":"Ready"}"#, "f:status"]))
        #expect(!status.fields.contains(["f:spec", "f:format"]))
        // Nothing changed: the entries are returned as they were (time included).
        #expect(statusFM.update(managed, old: withStatus, new: withStatus, manager: "other") == managed)
    }

    /// The in-place path (a manager rewriting fields only it owns) gives exactly the general
    /// path's entries, and steps aside whenever ownership would move.
    @Test func rewritingOnlyOwnFieldsRetimesInPlaceAsTheGeneralPathWould() throws {
        let object = try Self.json(Self.created)
        var first = object
        first["status"] = try Self.json(#"{"numberOfSamples":3,"conditions":[{"type":"Ready","status":"True"}]}"#)
        let earlier = FieldManager(EdgeAIResources.dataset, subresource: "status", now: "2026-11-30T00:00:00Z")
        // The creator's entry is newer than the status entry, so the retimed one must move after it.
        let created = fm.update(ManagedFields(), old: nil, new: object, manager: "creator")
        let base = earlier.update(created, old: object, new: first, manager: "hub")
        let stored = try #require(base.encoded)
        var first2 = first
        first2["metadata"]?["managedFields"] = stored
        func general(_ new: JSONValue, _ manager: String) throws -> JSONValue? {
            statusFM.update(try ManagedFields.decode(stored), comparison: statusFM.compare(first2, new), manager: manager).encoded
        }
        // The hub changes the count it owns: in place, equal to the general path, entries re-sorted.
        var counted = first2
        counted["status"]?["numberOfSamples"] = 4
        let retimed = try #require(statusFM.retimed(stored, comparison: statusFM.compare(first2, counted), manager: "hub"))
        #expect(retimed == (try general(counted, "hub")))
        #expect(retimed.arrayValue?.map { $0["manager"]?.stringValue } == ["creator", "hub"])
        #expect(retimed.arrayValue?.last?["time"]?.stringValue == "2026-12-01T00:00:01Z")
        // Another manager changing it, the hub adding a field, or removing one: the general path.
        #expect(statusFM.retimed(stored, comparison: statusFM.compare(first2, counted), manager: "other") == nil)
        var added = first2
        added["status"]?["lastUpdateTime"] = "2026-12-01T00:00:01Z"
        #expect(statusFM.retimed(stored, comparison: statusFM.compare(first2, added), manager: "hub") == nil)
        var removed = first2
        removed["status"]?["numberOfSamples"] = nil
        #expect(statusFM.retimed(stored, comparison: statusFM.compare(first2, removed), manager: "hub") == nil)
        // A field the creator owns, changed by the creator through the main resource: in place too.
        var edited = first2
        edited["spec"]?["format"] = "csv"
        let editedInPlace = try #require(fm.retimed(stored, comparison: fm.compare(first2, edited), manager: "creator"))
        #expect(editedInPlace == fm.update(try ManagedFields.decode(stored), comparison: fm.compare(first2, edited), manager: "creator").encoded)
        // Stored entries the general path could not read are never reused.
        #expect(statusFM.retimed(.array([["operation": "Bogus"]]), comparison: statusFM.compare(first2, counted), manager: "hub") == nil)
    }

    @Test func anUpdateTakesChangedFieldsFromOthersAndRemovedFieldsLeaveEveryone() throws {
        let object = try Self.json(Self.created)
        let base = fm.update(ManagedFields(), old: nil, new: object, manager: "creator")
        var changed = object
        changed["spec"]?["format"] = "csv"
        changed["spec"]?["dataUrl"] = nil
        let managed = fm.update(base, old: object, new: changed, manager: "editor")
        let creator = try #require(managed.entries.first { $0.manager == "creator" })
        let editor = try #require(managed.entries.first { $0.manager == "editor" })
        #expect(editor.fields.paths == [["f:spec", "f:format"]])
        #expect(!creator.fields.contains(["f:spec", "f:format"]))
        #expect(!creator.fields.contains(["f:spec", "f:dataUrl"]))
        #expect(creator.fields.contains(["f:spec", "f:nodeName"]))
    }

    @Test func applyConflictsUnlessForcedAndSharesEqualValues() throws {
        let object = try Self.json(Self.created)
        let base = fm.update(ManagedFields(), old: nil, new: object, manager: "kubectl-client-side-apply")
        let config = try Self.json(#"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"d"},"spec":{"format":"csv","nodeName":"edge0"}}"#)
        let fields = fm.appliedFields(config)
        #expect(fields.paths == [["f:spec", "f:format"], ["f:spec", "f:nodeName"]])
        let merged = fm.merge(live: object, config: config, configFields: fields, managed: base, manager: "ops")
        #expect(merged["spec"]?["format"] == "csv")
        do {
            _ = try fm.apply(base, old: object, new: merged, manager: "ops", configFields: fields, force: false)
            Issue.record("expected a conflict")
        } catch {
            #expect(error.items.count == 1)
            #expect(error.message == #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using edgeai.io/v1alpha1: .spec.format"#)
            let cause = error.apiError.details?["causes"]?.arrayValue?.first
            #expect(cause?["type"] == "FieldManagerConflict")
            #expect(cause?["field"] == ".spec.format")
            #expect(cause?["message"] == #"conflict with "kubectl-client-side-apply" using edgeai.io/v1alpha1"#)
            #expect(error.apiError.code == 409 && error.apiError.reason == "Conflict")
        }
        let forced = try fm.apply(base, old: object, new: merged, manager: "ops", configFields: fields, force: true)
        let csa = try #require(forced.entries.first { $0.manager == "kubectl-client-side-apply" })
        let ops = try #require(forced.entries.first { $0.manager == "ops" })
        #expect(ops.operation == .apply)
        #expect(!csa.fields.contains(["f:spec", "f:format"]))
        #expect(csa.fields.contains(["f:spec", "f:nodeName"]))  // same value: shared
        #expect(ops.fields.contains(["f:spec", "f:nodeName"]))
        // The allowed set (kubectl's last-applied rule) forces what it covers.
        var allowed = FieldSet()
        allowed.insert(["f:spec", "f:format"])
        #expect(throws: Never.self) { try fm.apply(base, old: object, new: merged, manager: "ops", configFields: fields, force: false, allowed: allowed) }
    }

    @Test func multipleConflictsAreGroupedByManager() {
        let a = ManagedFields.Entry(manager: "b-mgr", operation: .apply, subresource: "", apiVersion: "v1", time: nil, fields: FieldSet())
        let b = ManagedFields.Entry(manager: "a-mgr", operation: .update, subresource: "status", apiVersion: "v1", time: nil, fields: FieldSet())
        let c = ApplyConflict(items: [.init(entry: a, path: ["f:spec", "f:x"]), .init(entry: b, path: ["f:status", "f:y"]), .init(entry: b, path: ["f:status", "f:a"])])
        #expect(c.message == "Apply failed with 3 conflicts: conflicts with \"a-mgr\" with subresource \"status\" using v1:\n- .status.a\n- .status.y\nconflicts with \"b-mgr\":\n- .spec.x")
    }

    @Test func applyRemovesWhatTheApplierDroppedUnlessSomeoneElseOwnsIt() throws {
        let object = try Self.json(Self.created)
        let first = try Self.json(#"{"spec":{"dataUrl":"/code/data","format":"txt","nodeName":"edge0"},"metadata":{"labels":{"a":"1","b":"2"}}}"#)
        var live = fm.merge(live: object, config: first, configFields: fm.appliedFields(first), managed: ManagedFields(), manager: "ops")
        var managed = try fm.apply(ManagedFields(), old: object, new: live, manager: "ops", configFields: fm.appliedFields(first), force: false)
        // Another manager also sets label b.
        var shared = live
        shared["metadata"]?["labels"]?["b"] = "3"
        managed = fm.update(managed, old: live, new: shared, manager: "labeler")
        live = shared
        let second = try Self.json(#"{"spec":{"dataUrl":"/code/data","nodeName":"edge0"}}"#)
        let merged = fm.merge(live: live, config: second, configFields: fm.appliedFields(second), managed: managed, manager: "ops")
        #expect(merged["spec"]?["format"] == nil)
        #expect(merged["metadata"]?["labels"]?["a"] == nil)
        #expect(merged["metadata"]?["labels"]?["b"] == "3")
        #expect(merged["spec"]?["dataUrl"] == "/code/data")
    }

    @Test func decodeRefusesBadEntriesAndResetIsRecognised() throws {
        #expect(throws: ManagedFields.DecodeError.self) { try ManagedFields.decode(Self.json(#"[{"manager":"m","operation":"Merge","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{}}]"#)) }
        #expect(throws: ManagedFields.DecodeError.self) { try ManagedFields.decode(Self.json(#"[{"manager":"m","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV2"}]"#)) }
        #expect(throws: ManagedFields.DecodeError.self) { try ManagedFields.decode(Self.json(#"{"manager":"m"}"#)) }
        #expect(ManagedFields.isResetRequest(try Self.json("[{}]")))
        #expect(!ManagedFields.isResetRequest(try Self.json("[]")))
        let long = String(repeating: "m", count: 129)
        let violations = ManagedFields.violations(try Self.json(#"[{"manager":"\#(long)","operation":"Update"}]"#))
        #expect(violations.map(\.field) == ["metadata.managedFields[0].manager"])
    }

    @Test func defaultManagerIsTheUserAgentsExecutable() {
        #expect(FieldManagerName.fromUserAgent("kubectl/v1.32.0 (linux/amd64) kubernetes/abc") == "kubectl")
        #expect(FieldManagerName.fromUserAgent("python-requests/2.31.0") == "python-requests")
        #expect(FieldManagerName.fromUserAgent("Python-urllib/3.12") == "Python-urllib")
        #expect(FieldManagerName.fromUserAgent(nil) == "")
        #expect(FieldManagerName.fromUserAgent(String(repeating: "x", count: 300)).count == 128)
        #expect(FieldManagerName.fromUserAgent("a\u{7}b/1") == "ab")
    }

    @Test func updateEntriesAreCappedIntoAncientChanges() throws {
        var object = try Self.json(Self.created)
        var managed = fm.update(ManagedFields(), old: nil, new: object, manager: "creator")
        for i in 0..<12 {
            let fmAt = FieldManager(EdgeAIResources.dataset, subresource: nil, now: "2026-12-01T00:00:\(10 + i)Z")
            var next = object
            next["metadata"]?["labels"] = .object(["l\(i)": "v"].merging(object["metadata"]?["labels"]?.objectValue ?? [:]) { a, _ in a })
            managed = fmAt.update(managed, old: object, new: next, manager: "writer-\(i)")
            object = next
        }
        #expect(managed.entries.filter { $0.operation == .update }.count == ManagedFields.maxUpdateManagers)
        let ancient = try #require(managed.entries.first { $0.manager == ManagedFields.ancientChanges })
        #expect(ancient.fields.contains(["f:spec", "f:format"]))  // the creator's, merged
        #expect(ancient.fields.contains(["f:metadata", "f:labels", "f:l0"]))
        #expect(managed.entries.contains { $0.manager == "writer-11" })
        #expect(!managed.entries.contains { $0.manager == "creator" })
    }

    @Test func fieldManagerIsValidatedAsKubeDoes() throws {
        var options = WriteOptions()
        options.fieldManager = String(repeating: "m", count: 129)
        #expect(throws: APIError.self) { try options.checkFieldManager(optionsKind: "PatchOptions") }
        do { try options.checkFieldManager(optionsKind: "PatchOptions") } catch let error as APIError {
            #expect(error.code == 422)
            #expect(error.message == #"PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes"#)
        }
        options.fieldManager = "a\u{7}b"
        #expect(FieldManagerName.violations("a\u{7}b", field: "fieldManager").first?.detail == #"Invalid value: "a\u0007b": invalid character U+0007 (at position 1)"#)
        options.fieldManager = "kubectl-edit"
        #expect(throws: Never.self) { try options.checkFieldManager(optionsKind: "PatchOptions") }
    }

    @Test func applyMergesKeyedListsItemByItem() throws {
        let schema = FieldSchema.root(EdgeAIResources.model)
        let live = try Self.json(#"{"spec":{"nodeNames":["a","b"]},"status":{"metrics":[{"key":"acc","value":"1"},{"key":"loss","value":"2"}]}}"#)
        let config = try Self.json(#"{"spec":{"nodeNames":["c","a"]},"status":{"metrics":[{"key":"loss","value":"3"},{"key":"f1","value":"4"}]}}"#)
        let merged = schema.applyMerge(live, config)
        #expect(merged["spec"]?["nodeNames"] == ["a", "b", "c"])
        #expect(merged["status"]?["metrics"] == [["key": "acc", "value": "1"], ["key": "loss", "value": "3"], ["key": "f1", "value": "4"]])
        // A list the schema leaves atomic is replaced.
        let atomic = FieldSchema(props: nil).applyMerge(try Self.json(#"{"l":[1,2]}"#), try Self.json(#"{"l":[3]}"#))
        #expect(atomic["l"] == [3])
        // Set items are v: leaves, map items k: nodes with their members.
        let fields = FieldSet.fields(of: config, schema: schema)
        #expect(fields.contains(["f:spec", "f:nodeNames", #"v:"c""#]))
        #expect(fields.contains(["f:status", "f:metrics", #"k:{"key":"f1"}"#]))
        #expect(fields.contains(["f:status", "f:metrics", #"k:{"key":"f1"}"#, "f:value"]))
    }
}
