import EdgeAIAPI
import EdgeAITesting
import Foundation
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

/// Bad input gets the status kube-apiserver 1.36 gives (references 63–73), changes nothing, and
/// the server stays up.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BadInputTests {
    let ds = TestServer.datasets

    /// The classic billion-laughs document, 9 levels of 9 aliases: 9^9 strings once expanded.
    static let billionLaughs = """
        apiVersion: edgeai.io/v1alpha1
        kind: Dataset
        metadata: {name: lol}
        spec: {dataUrl: /d, format: txt, nodeName: e}
        """ + "\n" + HostileInput.billionLaughs

    private func names(_ s: TestServer) async throws -> [String] {
        try await s.get(ds).json["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
    }

    @Test func badListParametersAnswerAsKube() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("d0"))
        _ = try await s.post(ds, TestServer.dataset("d1"))
        let rv = try await s.get(ds + "?resourceVersion=abc")
        #expect(rv.status == 400)
        #expect(rv.json["reason"] == "BadRequest")
        #expect(rv.json["message"] == #"invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax"#)
        let timeout = try await s.get(ds + "?timeoutSeconds=abc")
        #expect(timeout.status == 400)
        #expect(timeout.json["message"] == #"strconv.ParseInt: parsing "abc": invalid syntax"#)
        let watchTimeout = try await s.get(ds + "?watch=1&timeoutSeconds=abc")
        #expect(watchTimeout.status == 400)  // a watch that would never time out is refused
        let match = try await s.get(ds + "?resourceVersion=0&resourceVersionMatch=Bogus")
        #expect(match.status == 422)
        #expect(match.json["message"] == #"ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Bogus": supported values: "Exact", "NotOlderThan", """#)
        let cause = match.json["details"]?["causes"]?.arrayValue?.first
        #expect(cause?["reason"] == "FieldValueNotSupported")
        #expect(cause?["field"] == "resourceVersionMatch")
        #expect(cause?["message"] == #"Unsupported value: "Bogus": supported values: "Exact", "NotOlderThan", """#)
        let negative = try await s.get(ds + "?limit=-5")
        #expect(negative.status == 200)  // kube ignores a negative limit (reference 66)
        #expect(negative.json["items"]?.arrayValue?.count == 2)
        let notNumber = try await s.get(ds + "?limit=x")
        #expect(notNumber.status == 400)
        #expect(notNumber.json["message"] == #"strconv.ParseInt: parsing "x": invalid syntax"#)
        let token = try await s.get(ds + "?limit=1&continue=garbage")
        #expect(token.status == 400)
        #expect(token.json["message"] == #"invalid continue token: continue key is not valid: invalid character '\u0081' looking for beginning of value"#)
        let base64 = try await s.get(ds + "?limit=1&continue=%21%21")
        #expect(base64.status == 400)
        #expect(base64.json["message"]?.stringValue?.hasPrefix("invalid continue token: continue key is not valid: illegal base64 data") == true)
        #expect(try await names(s) == ["d0", "d1"])
        try await s.stop()
    }

    @Test func metadataIsValidatedAsKubeDoes() async throws {
        let s = try await TestServer.start()
        let long = String(repeating: "v", count: 100)
        let label = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"bl","labels":{"bad key!":"x","ok":"\#(long)"}},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(label.status == 422)
        #expect(label.json["reason"] == "Invalid")
        let causes = label.json["details"]?["causes"]?.arrayValue ?? []
        #expect(causes.count == 2)
        #expect(causes.contains { $0["message"] == .string("Invalid value: \"\(long)\": must be no more than 63 bytes") && $0["field"] == "metadata.labels" })
        #expect(causes.contains { $0["message"]?.stringValue?.hasPrefix(#"Invalid value: "bad key!": name part must consist of alphanumeric characters"#) == true })
        #expect(label.json["details"]?["name"] == "bl")
        #expect(label.json["details"]?["kind"] == "Dataset")

        let finalizer = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"bf","finalizers":["not a/valid/finalizer!"]},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(finalizer.status == 422)
        #expect(finalizer.json["message"] == #"Dataset.edgeai.io "bf" is invalid: metadata.finalizers: Invalid value: "not a/valid/finalizer!": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"#)

        let finalizerType = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"bf2","finalizers":"x"},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(finalizerType.status == 400)
        #expect(finalizerType.json["message"] == #"Dataset in version "v1alpha1" cannot be handled as a Dataset: json: cannot unmarshal string into Go struct field ObjectMeta.finalizers of type []string"#)

        let ownersType = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"bo","ownerReferences":"x"},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(ownersType.status == 400)
        #expect(ownersType.json["message"] == #"Dataset in version "v1alpha1" cannot be handled as a Dataset: json: cannot unmarshal string into Go struct field ObjectMeta.ownerReferences of type []v1.OwnerReference"#)

        let ownerShape = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"bo2","ownerReferences":[{"kind":"Model","name":"m"}]},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(ownerShape.status == 422)
        let fields = Set(ownerShape.json["details"]?["causes"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
        #expect(fields == ["metadata.ownerReferences.apiVersion", "metadata.ownerReferences.uid"])

        let big = String(repeating: "x", count: 2_000_000)
        let annotations = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"big","annotations":{"a":"\#(big)"}},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(annotations.status == 422)
        #expect(annotations.json["message"] == #"Dataset.edgeai.io "big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"#)
        #expect(annotations.json["details"]?["causes"]?.arrayValue?.first?["reason"] == "FieldValueTooLong")

        let good = try await s.post(ds, #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"fine","labels":{"example.com/app":"a_b.c-1","empty":""},"finalizers":["example.com/keep"],"ownerReferences":[{"apiVersion":"edgeai.io/v1alpha1","kind":"Model","name":"m","uid":"u1"}]},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#)
        #expect(good.status == 201)
        #expect(try await names(s) == ["fine"])
        try await s.stop()
    }

    @Test func objectsOverEtcdsLimitAreRefusedBeforeStoring() async throws {
        let s = try await TestServer.start()
        let huge = String(repeating: "y", count: 2_000_000)
        func dataset(_ name: String, url: String) -> String {
            #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"\#(name)"},"spec":{"dataUrl":"/\#(url)","format":"txt","nodeName":"e"}}"#
        }
        let reply = try await s.post(ds, dataset("huge", url: huge))
        #expect(reply.status == 413)
        #expect(reply.json["reason"] == "RequestEntityTooLarge")
        _ = try await s.post(ds, TestServer.dataset("small"))
        let grow = try await s.patch(ds + "/small", #"{"spec":{"dataUrl":"/\#(huge)"}}"#)
        #expect(grow.status == 413)
        #expect(try await names(s) == ["small"])
        try await s.stop()
    }

    @Test func duplicateKeysFollowFieldValidation() async throws {
        let s = try await TestServer.start()
        let body = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"dup"},"spec":{"dataUrl":"/a","dataUrl":"/b","format":"txt","nodeName":"e"}}"#
        let strict = try await s.post(ds + "?fieldValidation=Strict", body)
        #expect(strict.status == 400)
        #expect(strict.json["message"] == #"Dataset in version "v1alpha1" cannot be handled as a Dataset: strict decoding error: duplicate field "spec.dataUrl""#)
        #expect(try await names(s).isEmpty)
        let warn = try await s.post(ds + "?fieldValidation=Warn", body)
        #expect(warn.status == 201)
        #expect(warn.header("Warning") == [#"299 - "duplicate field \"spec.dataUrl\"""#])
        #expect(warn.json["spec"]?["dataUrl"] == "/b")  // the last value wins, as in Go
        let ignore = try await s.post(ds + "?fieldValidation=Ignore", body.replacingOccurrences(of: "\"dup\"", with: "\"dup2\""))
        #expect(ignore.status == 201)
        #expect(ignore.header("Warning").isEmpty)
        try await s.stop()
    }

    @Test func duplicateKeysInPatchesFollowFieldValidation() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("p"))
        let merge = #"{"spec":{"format":"csv","format":"jsonl"}}"#
        let strict = try await s.patch(ds + "/p?fieldValidation=Strict", merge)
        #expect(strict.status == 400)
        #expect(strict.json["message"] == #"strict decoding error: duplicate field "spec.format""#)
        #expect(try await s.get(ds + "/p").json["spec"]?["format"] == "txt")
        let json = #"[{"op":"replace","path":"/spec/format","path":"/spec/dataUrl","value":"csv"}]"#
        let strictJSON = try await s.patch(ds + "/p?fieldValidation=Strict", json, type: "application/json-patch+json")
        #expect(strictJSON.status == 400)
        #expect(strictJSON.json["message"] == #"strict decoding error: json patch duplicate field "[0].path""#)
        #expect(try await s.get(ds + "/p").json["spec"]?["dataUrl"] == "/code/data")
        let warn = try await s.patch(ds + "/p", merge)
        #expect(warn.status == 200)
        #expect(warn.header("Warning") == [#"299 - "duplicate field \"spec.format\"""#])
        #expect(warn.json["spec"]?["format"] == "jsonl")  // the last value wins
        let ignore = try await s.patch(ds + "/p?fieldValidation=Ignore", #"{"spec":{"format":"txt","format":"csv"}}"#)
        #expect(ignore.status == 200)
        #expect(ignore.header("Warning").isEmpty)
        try await s.stop()
    }

    @Test func yamlAliasBombsAreRefusedQuickly() async throws {
        let s = try await TestServer.start()
        let clock = ContinuousClock()
        let start = clock.now
        let body = try await s.post(ds, Self.billionLaughs, contentType: "application/yaml")
        #expect(body.status == 400)
        #expect(body.json["message"]?.stringValue?.contains("excessive aliasing") == true)
        _ = try await s.post(ds, TestServer.dataset("target"))
        let apply = try await s.request(
            .PATCH, ds + "/target?fieldManager=test", body: Self.billionLaughs.replacingOccurrences(of: "name: lol", with: "name: target"),
            contentType: "application/apply-patch+yaml")
        #expect(apply.status == 400)
        #expect(apply.json["message"]?.stringValue?.contains("excessive aliasing") == true)
        #expect(clock.now - start < .seconds(5))
        // Modest aliasing still works.
        let shared = try await s.post(ds, """
            apiVersion: edgeai.io/v1alpha1
            kind: Dataset
            metadata: {name: aliased, labels: &l {app: x}, annotations: *l}
            spec: {dataUrl: /d, format: txt, nodeName: e}
            """, contentType: "application/yaml")
        #expect(shared.status == 201)
        #expect(shared.json["metadata"]?["annotations"]?["app"] == "x")
        #expect(try await names(s) == ["aliased", "target"])
        try await s.stop()
    }
}
