import EdgeAIAPI
import EdgeAITesting
import Foundation
import JSON
import ManifestYAML
import Testing

/// YAML alias budgets, duplicate JSON keys and kube's metadata rules, without sockets.
struct HostileInputTests {
    static let billionLaughs = HostileInput.billionLaughs

    @Test func billionLaughsFailsFastWithAClearError() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: Manifests.ParseError.self) { try Manifests.parse(Self.billionLaughs) }
        #expect(clock.now - start < .milliseconds(500))
        #expect(error?.message.contains("document contains excessive aliasing") == true)
    }

    @Test func aLongAliasedStringIsChargedByItsBytes() throws {
        let value = String(repeating: "x", count: 100_000)
        let text = "a: &a \(value)\nb: [" + Array(repeating: "*a", count: 40).joined(separator: ",") + "]\n"
        let error = #expect(throws: Manifests.ParseError.self) { try Manifests.parse(text) }
        #expect(error?.message.contains("bytes of values") == true)
        // The same document within an explicit, larger budget converts.
        let values = try Manifests.parse(text, budget: YAMLExpansionBudget(maxNodes: 1000, maxScalarBytes: 10_000_000))
        #expect(values.first?["b"]?.arrayValue?.count == 40)
    }

    @Test func modestAliasingAndAliasFreeDocumentsPass() throws {
        let values = try Manifests.parse("base: &b {app: x, tier: y}\nlabels: *b\nother: *b\n")
        #expect(values.first?["other"]?["tier"] == "y")
        // A large alias-free document is never refused by the budget.
        let big = (0..<20_000).map { "k\($0): v" }.joined(separator: "\n")
        #expect(try Manifests.parse(big).first?.objectValue?.count == 20_000)
    }

    @Test func duplicateKeysAreReportedWithTheirPath() throws {
        var duplicates: [String] = []
        let value = try JSONParser.parse(
            Array(#"{"spec":{"dataUrl":"/a","dataUrl":"/b","items":[{"n":1,"n":2}]},"kind":"x","kind":"y"}"#.utf8), duplicateKeys: &duplicates)
        #expect(duplicates == ["spec.dataUrl", "spec.items[0].n", "kind"])
        #expect(value["spec"]?["dataUrl"] == "/b")
        var none: [String] = []
        _ = try JSONParser.parse(Array(#"{"a":{"x":1},"b":{"x":1}}"#.utf8), duplicateKeys: &none)
        #expect(none.isEmpty)
    }

    @Test func labelKeysAndValues() {
        let ok = MetadataValidation.violations(["labels": ["example.com/app": "a-b_c.d", "x": "", "A.b": "Z"]])
        #expect(ok.isEmpty)
        let bad = MetadataValidation.violations(["labels": [
            "bad key!": "x", "-start": "x", "a/b/c": "x", "/name": "x", "UPPER.example.com/x": "x",
            "v": .string(String(repeating: "v", count: 64)), "w": "-bad",
        ]])
        #expect(bad.count == 7)
        #expect(bad.allSatisfy { $0.field == "metadata.labels" && $0.reason == .invalid })
        #expect(bad.contains { $0.detail.hasSuffix("must be no more than 63 bytes") })
        #expect(bad.contains { $0.detail.contains("prefix part must be non-empty") })
        #expect(bad.contains { $0.detail.contains("prefix part a lowercase RFC 1123 subdomain") })
        let long = MetadataValidation.violations(["labels": [.init(String(repeating: "n", count: 64)): "x"]])
        #expect(long.first?.detail.hasSuffix("name part must be no more than 63 characters") == true)
    }

    @Test func annotationsAreLimitedInTotal() {
        let half = String(repeating: "a", count: 140 * 1024)
        let v = MetadataValidation.violations(["annotations": ["one": .string(half), "two": .string(half)]])
        #expect(v == [FieldViolation(field: "metadata.annotations", reason: .tooLong, detail: "Too long: may not be more than 262144 bytes")])
        #expect(MetadataValidation.violations(["annotations": ["one": .string(half)]]).isEmpty)
    }

    @Test func finalizersAndOwnerReferences() {
        #expect(MetadataValidation.violations(["finalizers": ["example.com/f", "kubernetes"]]).isEmpty)
        let f = MetadataValidation.violations(["finalizers": ["not a/valid/finalizer!"]])
        #expect(f.count == 1)
        #expect(f.first?.field == "metadata.finalizers")
        let owners = MetadataValidation.violations(["ownerReferences": [
            ["apiVersion": "v1", "kind": "K", "name": "n", "uid": "u", "controller": true],
            ["apiVersion": "g/v1", "kind": "K", "name": "m", "uid": "w", "controller": true],
            ["kind": "K"],
        ]])
        #expect(owners.map(\.field).sorted() == [
            "metadata.ownerReferences", "metadata.ownerReferences.apiVersion", "metadata.ownerReferences.name", "metadata.ownerReferences.uid",
        ])
        #expect(owners.contains { $0.detail.contains("Only one reference can have Controller set to true") })
    }

    @Test func wrongTypesAreDecodeErrorsWorderAsGo() {
        #expect(MetadataValidation.unmarshalError(["finalizers": "x"]) == "json: cannot unmarshal string into Go struct field ObjectMeta.finalizers of type []string")
        #expect(MetadataValidation.unmarshalError(["finalizers": [1]]) == "json: cannot unmarshal number into Go struct field ObjectMeta.finalizers of type string")
        #expect(MetadataValidation.unmarshalError(["ownerReferences": "x"]) == "json: cannot unmarshal string into Go struct field ObjectMeta.ownerReferences of type []v1.OwnerReference")
        #expect(MetadataValidation.unmarshalError(["ownerReferences": ["x"]]) == "json: cannot unmarshal string into Go struct field ObjectMeta.ownerReferences of type v1.OwnerReference")
        #expect(MetadataValidation.unmarshalError(["ownerReferences": [["uid": 5]]])?.hasSuffix("of type types.UID") == true)
        #expect(MetadataValidation.unmarshalError(["finalizers": ["a"], "ownerReferences": []]) == nil)
    }
}
