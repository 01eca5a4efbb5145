import EdgeAIAPI
import EdgeAITesting
import JSON
import ObjectStore
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct WatchTests {
    let ds = TestServer.datasets

    @Test func watchFromResourceVersionSeesEveryChangeInOrder() async throws {
        let s = try await TestServer.start()
        let start = try await s.get(ds).json["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let w = try await s.watch(ds + "?watch=1&resourceVersion=\(start)")
        #expect(w.status == 200)
        let created = try await s.post(ds, TestServer.dataset("watched"))
        let patched = try await s.patch(ds + "/watched/status", #"{"status":{"numberOfSamples":7}}"#)
        _ = try await s.request(.DELETE, ds + "/watched")
        let e1 = try await w.nextEvent()
        let e2 = try await w.nextEvent()
        let e3 = try await w.nextEvent()
        #expect(e1?["type"] == "ADDED")
        #expect(e1?["object"]?.rv == created.json.rv)
        #expect(e2?["type"] == "MODIFIED")
        #expect(e2?["object"]?["status"]?["numberOfSamples"] == 7)
        #expect(e2?["object"]?.rv == patched.json.rv)
        #expect(e3?["type"] == "DELETED")
        #expect(Int(e3?["object"]?.rv ?? "") ?? 0 > Int(patched.json.rv) ?? 0)
        try await s.stop()
    }

    @Test func watchWithoutVersionStartsWithCurrentStateAndTimesOut() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("a"))
        let w = try await s.watch(ds + "?watch=true&timeoutSeconds=1")
        #expect(try await w.nextEvent()?["type"] == "ADDED")
        #expect(try await w.next() == nil)  // the server ends the stream after timeoutSeconds
        try await s.stop()
    }

    @Test func selectorsTurnTransitionsIntoAddedAndDeleted() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("sel", node: "edge0"))
        let rv = try await s.get(ds).json["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let w = try await s.watch(ds + "?watch=1&resourceVersion=\(rv)&fieldSelector=spec.nodeName%3Dedge1")
        _ = try await s.patch(ds + "/sel", #"{"spec":{"nodeName":"edge1"}}"#)
        _ = try await s.patch(ds + "/sel", #"{"spec":{"format":"csv"}}"#)
        _ = try await s.patch(ds + "/sel", #"{"spec":{"nodeName":"edge2"}}"#)
        #expect(try await w.nextEvent()?["type"] == "ADDED")
        #expect(try await w.nextEvent()?["type"] == "MODIFIED")
        #expect(try await w.nextEvent()?["type"] == "DELETED")
        try await s.stop()
    }

    @Test func bookmarksAndTableEvents() async throws {
        let s = try await TestServer.start(bookmarkInterval: .milliseconds(50))
        let rv = try await s.get(ds).json["metadata"]?["resourceVersion"]?.stringValue ?? ""
        let w = try await s.watch(ds + "?watch=1&resourceVersion=\(rv)&allowWatchBookmarks=true")
        let bookmark = try await w.next()
        #expect(bookmark?["type"] == "BOOKMARK")
        #expect(bookmark?["object"]?["kind"] == "Dataset")
        #expect(bookmark?["object"]?.rv == .some(rv))
        let t = try await s.watch(ds + "?watch=1&resourceVersion=\(rv)", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        _ = try await s.post(ds, TestServer.dataset("tbl"))
        let e = try await t.nextEvent()
        #expect(e?["object"]?["kind"] == "Table")
        #expect(e?["object"]?["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.first == "tbl")
        try await s.stop()
    }

    @Test func compactedVersionAnswersOneExpiredErrorEvent() async throws {
        let s = try await TestServer.start(
            compaction: CompactionPolicy(minRetainedRevisions: 1, minRetainedDuration: .zero), compactionInterval: .milliseconds(20))
        for i in 0..<5 { _ = try await s.post(ds, TestServer.dataset("c\(i)")) }
        var error: JSONValue?
        try await eventually("watch from revision 1 is compacted") {
            let w = try await s.watch(ds + "?watch=1&resourceVersion=1")
            let first = try await w.next()
            if first?["type"] == "ERROR" { error = first; return true }
            return false
        }
        #expect(error?["object"]?["code"] == 410)
        #expect(error?["object"]?["reason"] == "Expired")
        #expect(error?["object"]?["message"]?.stringValue?.hasPrefix("too old resource version: 1 (") == true)
        try await s.stop()
    }
}
