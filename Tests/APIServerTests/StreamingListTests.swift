import EdgeAIAPI
import EdgeAITesting
import JSON
import NIOHTTP1
import Testing

@testable import APIServer

/// Streaming lists (KEP-3157) as client-go 1.3x informers ask for them and kube-apiserver 1.36
/// serves them (references 61, 62): ADDED per object, then a BOOKMARK annotated
/// `k8s.io/initial-events-end`, then live events.
@Suite(.serialized, .timeLimit(.minutes(2))) struct StreamingListTests {
    let ds = TestServer.datasets
    /// The query exactly as client-go's reflector (WatchListClient) encodes it: keys sorted.
    static let clientGoQuery = "?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=300&watch=true"

    @Test func initialEventsThenAnnotatedBookmarkThenLiveEvents() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("a"))
        _ = try await s.post(ds, TestServer.dataset("b"))
        let listRV = try await s.get(ds).json["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let w = try await s.watch(ds + Self.clientGoQuery)
        #expect(w.status == 200)
        let first = try await w.next()
        let second = try await w.next()
        #expect(first?["type"] == "ADDED")
        #expect(second?["type"] == "ADDED")
        #expect(Set([first, second].compactMap { $0?["object"]?["metadata"]?["name"]?.stringValue }) == ["a", "b"])
        let bookmark = try await w.next()
        #expect(bookmark?["type"] == "BOOKMARK")
        #expect(bookmark?["object"]?["kind"] == "Dataset")
        #expect(bookmark?["object"]?["apiVersion"] == "edgeai.io/v1alpha1")
        #expect(bookmark?["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
        #expect(bookmark?["object"]?["metadata"]?["resourceVersion"]?.stringValue == listRV)
        _ = try await s.post(ds, TestServer.dataset("c"))
        let live = try await w.next()
        #expect(live?["type"] == "ADDED")
        #expect(live?["object"]?["metadata"]?["name"] == "c")
        try await s.stop()
    }

    @Test func emptyCollectionStillEndsWithTheBookmark() async throws {
        let s = try await TestServer.start()
        let w = try await s.watch(ds + Self.clientGoQuery)
        let bookmark = try await w.next()
        #expect(bookmark?["type"] == "BOOKMARK")
        #expect(bookmark?["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
        try await s.stop()
    }

    @Test func withoutBookmarksInitialEventsComeWithoutTheEndMarker() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("a"))
        let w = try await s.watch(ds + "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=30")
        #expect(try await w.next()?["type"] == "ADDED")
        _ = try await s.post(ds, TestServer.dataset("b"))
        let next = try await w.next()
        #expect(next?["type"] == "ADDED")  // the live event, no BOOKMARK in between (reference 62)
        #expect(next?["object"]?["metadata"]?["name"] == "b")
        try await s.stop()
    }

    @Test func sendInitialEventsFalseStartsAtTheResourceVersion() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("old"))
        let rv = try await s.get(ds).json["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let w = try await s.watch(ds + "?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=\(rv)")
        _ = try await s.post(ds, TestServer.dataset("new"))
        let event = try await w.next()
        #expect(event?["type"] == "ADDED")
        #expect(event?["object"]?["metadata"]?["name"] == "new")
        try await s.stop()
    }

    @Test func unsupportedCombinationsAre422WithKubesWording() async throws {
        let s = try await TestServer.start()
        let noMatch = try await s.get(ds + "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true")
        #expect(noMatch.status == 422)
        #expect(noMatch.json["message"] == "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
        #expect(noMatch.json["details"]?["kind"] == "ListOptions")
        #expect(noMatch.json["details"]?["group"] == "meta.k8s.io")
        #expect(noMatch.json["details"]?["causes"]?.arrayValue?.first?["reason"] == "FieldValueForbidden")
        let exact = try await s.get(ds + "?watch=1&sendInitialEvents=true&resourceVersionMatch=Exact&allowWatchBookmarks=true")
        #expect(exact.status == 422)
        #expect(exact.json["details"]?["causes"]?.arrayValue?.count == 2)
        let matchOnly = try await s.get(ds + "?watch=1&resourceVersionMatch=NotOlderThan")
        #expect(matchOnly.status == 422)
        #expect(matchOnly.json["message"]?.stringValue?.contains("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided") == true)
        let onList = try await s.get(ds + "?sendInitialEvents=true")
        #expect(onList.status == 422)
        #expect(onList.json["message"] == "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")
        let badBool = try await s.get(ds + "?watch=1&sendInitialEvents=maybe&resourceVersionMatch=NotOlderThan")
        #expect(badBool.status == 400)
        #expect(badBool.json["message"] == "strconv.ParseBool: parsing \"maybe\": invalid syntax")
        try await s.stop()
    }
}
