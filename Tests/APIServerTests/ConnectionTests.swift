import EdgeAIAPI
import EdgeAITesting
import Foundation
import JSON
import NIOCore
import NIOHTTP1
import Testing

@testable import APIServer

/// Connection rules of Go's net/http that kube-apiserver inherits: Host required on HTTP/1.1,
/// HTTP/1.0 closed after the response, header and idle timeouts that never cut a watch, and a
/// broken chunked body is the client's error (400), not the server's (500).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectionTests {
    @Test func http11WithoutHostIs400AndClosed() async throws {
        let s = try await TestServer.start()
        let c = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await c.send("GET /healthz HTTP/1.1\r\n\r\n")
        try await eventually("the connection closes") { c.isClosed }
        #expect(c.received.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(c.received.hasSuffix("400 Bad Request: missing required Host header"))
        let twice = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await twice.send("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        try await eventually("the connection closes") { twice.isClosed }
        #expect(twice.received.contains("too many Host headers"))
        #expect(try await s.get("/healthz").status == 200)  // the server stays up
        try await s.stop()
    }

    @Test func http10IsClosedAfterTheResponse() async throws {
        let s = try await TestServer.start()
        let c = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await c.send("GET /healthz HTTP/1.0\r\n\r\n")
        try await eventually("the connection closes") { c.isClosed }
        #expect(c.received.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(c.received.lowercased().contains("connection: close"))
        #expect(c.received.hasSuffix("ok"))
        // HTTP/1.1 with Host stays open for the next request.
        let keep = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await keep.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try await eventually("the response") { keep.received.hasSuffix("ok") }
        try await keep.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try await eventually("the second response") { keep.received.components(separatedBy: "HTTP/1.1 200").count == 3 }
        #expect(!keep.isClosed)
        await keep.close()
        try await s.stop()
    }

    @Test func malformedChunkedBodyIs400() async throws {
        let s = try await TestServer.start()
        let c = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await c.send(
            "POST \(TestServer.datasets) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(s.token)\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        try await eventually("an answer") { c.received.contains("\r\n\r\n") || c.isClosed }
        #expect(c.received.hasPrefix("HTTP/1.1 400"))
        #expect(try await s.get(TestServer.datasets).json["items"]?.arrayValue?.isEmpty == true)
        try await s.stop()
    }

    @Test func headerTimeoutClosesSlowAndSilentConnections() async throws {
        let s = try await TestServer.start(connectionTimeouts: ConnectionTimeouts(header: .milliseconds(300), idle: .seconds(60)))
        let slow = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")  // the head never ends
        let silent = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await eventually("both connections close", timeout: .seconds(10)) { slow.isClosed && silent.isClosed }
        #expect(slow.received.isEmpty)
        try await s.stop()
    }

    @Test func idleTimeoutClosesKeepAliveButNeverAWatch() async throws {
        // A header timeout long enough for a loaded machine to finish the TLS handshake and send
        // the request; the idle timeout short.
        let s = try await TestServer.start(
            connectionTimeouts: ConnectionTimeouts(header: .seconds(1), idle: .milliseconds(300), body: .milliseconds(300)))
        let started = ContinuousClock.now
        let w = try await s.watch(TestServer.datasets + "?watch=1")
        let idle = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try await eventually("the idle connection closes", timeout: .seconds(10)) { idle.isClosed }
        #expect(idle.received.hasSuffix("ok"))
        try await eventually("both timeouts passed since the watch started") { ContinuousClock.now - started > .milliseconds(1500) }
        // Longer than both timeouts have passed since the watch started: it is still open.
        let created = try await s.post(TestServer.datasets, TestServer.dataset("later"))
        #expect(created.status == 201)
        let event = try await w.nextEvent()
        #expect(event?["type"] == "ADDED")
        #expect(event?["object"]?["metadata"]?["name"] == "later")
        try await s.stop()
    }

    /// kube-apiserver's answer when its request timeout passes before the body ends.
    static let timeoutMessage = "Timeout: request did not complete within requested timeout - context deadline exceeded"

    @Test func aBodyThatStopsOrTricklesIs504AndChangesNothing() async throws {
        let s = try await TestServer.start(
            connectionTimeouts: ConnectionTimeouts(header: .seconds(30), idle: .seconds(60), body: .milliseconds(500)))
        let body = TestServer.dataset("slow")
        let head = "POST \(TestServer.datasets) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(s.token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let stopped = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await stopped.send(head + body.prefix(20))
        let trickling = try await RawConnection.connect(port: s.port, credentials: s.credentials)
        try await trickling.send(head)
        trickling.trickle(body, every: .milliseconds(50))  // 50 ms a byte: the body would take seconds
        for c in [stopped, trickling] {
            try await eventually("a 504, then the close", timeout: .seconds(20)) { c.isClosed }
            #expect(c.received.hasPrefix("HTTP/1.1 504"))
            #expect(c.received.contains(Self.timeoutMessage))
            #expect(c.received.contains(#""reason":"Timeout""#))
        }
        #expect(try await s.get(TestServer.datasets + "/slow").status == 404)
        // A body sent in time on the same server is taken.
        #expect(try await s.post(TestServer.datasets, body).status == 201)
        try await s.stop()
    }
}
