import EdgeAIAPI
import JSON
import Testing

@testable import KubeClient

@Suite(.timeLimit(.minutes(5)))
struct WatchDecodingTests {
    @Test func decodesTypedEventsAndBookmarks() throws {
        let added = #"{"type":"ADDED","object":{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"watched","namespace":"ns","resourceVersion":"10545","uid":"u1"},"spec":{"dataUrl":"/s","format":"txt","nodeName":"edge0"}}}"#
        guard case .added(let ds) = try WatchStream<Dataset>.decode(Array(added.utf8)) else {
            Issue.record("expected ADDED")
            return
        }
        #expect(ds.name == "watched" && ds.metadata.resourceVersion == "10545")
        let bookmark = #"{"type":"BOOKMARK","object":{"kind":"Dataset","apiVersion":"edgeai.io/v1alpha1","metadata":{"resourceVersion":"12345","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
        guard case .bookmark(let rv) = try WatchStream<Dataset>.decode(Array(bookmark.utf8)) else {
            Issue.record("expected BOOKMARK")
            return
        }
        #expect(rv == "12345")
    }

    @Test func errorEventWith410IsGone() throws {
        // 38-watch-too-old.txt: HTTP 200 with a single ERROR event.
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (10499)","reason":"Expired","code":410}}"#
        let error = #expect(throws: KubeError.self) { try WatchStream<Dataset>.decode(Array(line.utf8)) }
        #expect(error?.isGone == true)
        #expect(error?.message == "too old resource version: 1 (10499)")
        let other = #"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"boom","reason":"InternalError","code":500}}"#
        let apiError = #expect(throws: KubeError.self) { try WatchStream<JSONValue>.decode(Array(other.utf8)) }
        #expect(apiError?.isGone == false && apiError?.code == 500)
    }

    @Test func malformedEventsAreDecodingErrorsNamingTheField() throws {
        let bad = #"{"type":"ADDED","object":{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{},"spec":{"format":"txt","nodeName":"e"}}}"#
        let error = #expect(throws: KubeError.self) { try WatchStream<Dataset>.decode(Array(bad.utf8)) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("spec.dataUrl") == true)
        #expect(throws: KubeError.self) { try WatchStream<Dataset>.decode(Array(#"{"type":"WHAT","object":{}}"#.utf8)) }
    }
}

@Suite(.timeLimit(.minutes(5)))
struct KubeErrorTests {
    @Test func statusDecodesIntoHelpers() throws {
        // 20-get-notfound.txt
        let notFound = try KubeJSON.decode(APIStatus.self, from: Array(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"datasets.edgeai.io \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"edgeai.io","kind":"datasets"},"code":404}"#.utf8))
        let e = KubeError(status: notFound, httpCode: 404)
        #expect(e.isNotFound && !e.isConflict && !e.isGone && e.kind == .api)
        #expect(e.description == "404 NotFound: datasets.edgeai.io \"nope\" not found")
        let exists = KubeError(status: APIStatus(message: "exists", reason: "AlreadyExists", code: 409), httpCode: 409)
        #expect(exists.isAlreadyExists && !exists.isConflict)
        let conflict = KubeError(status: APIStatus(message: "modified", reason: "Conflict", code: 409), httpCode: 409)
        #expect(conflict.isConflict && !conflict.isAlreadyExists)
        let invalid = KubeError(
            status: APIStatus(
                message: "invalid", reason: "Invalid",
                details: StatusDetails(causes: [StatusCause(reason: "FieldValueRequired", message: "Required value", field: "spec.dataUrl")]),
                code: 422), httpCode: 422)
        #expect(invalid.isInvalid && invalid.causes.first?.field == "spec.dataUrl")
        #expect(invalid.description.contains("spec.dataUrl: Required value"))
        #expect(KubeError(status: APIStatus(message: "old", reason: "Expired", code: 410), httpCode: 200).isGone)
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(KubeClient.percentEncode("app in (a,b),tier!=x") == "app%20in%20%28a%2Cb%29%2Ctier%21%3Dx")
        #expect(KubeClient.percentEncode("spec.nodeName=edge-0_~") == "spec.nodeName%3Dedge-0_~")
    }
}
