import EdgeAIAPI
import Foundation
import ObjectStore
import Testing

@testable import APIServer

/// The pure rules behind bad-input answers and connection timeouts, without sockets.
struct RequestRulesTests {
    @Test func goStrconvWording() throws {
        #expect(try GoStrconv.parseInt("-12") == -12)
        #expect(try GoStrconv.parseInt("+3") == 3)
        #expect(throws: GoStrconv.Failure(message: #"strconv.ParseInt: parsing "abc": invalid syntax"#)) { try GoStrconv.parseInt("abc") }
        #expect(throws: GoStrconv.Failure(message: #"strconv.ParseInt: parsing "99999999999999999999": value out of range"#)) {
            try GoStrconv.parseInt("99999999999999999999")
        }
        #expect(throws: GoStrconv.Failure(message: #"strconv.ParseUint: parsing "-1": invalid syntax"#)) { try GoStrconv.parseUint("-1") }
        #expect(try GoStrconv.parseBool("T"))
        #expect(throws: GoStrconv.Failure.self) { try GoStrconv.parseBool("yes") }
        #expect(GoStrconv.quoteChar(0x81) == #"'\u0081'"#)
        #expect(GoStrconv.quoteChar(UInt8(ascii: "x")) == "'x'")
    }

    @Test func listQueryValidation() throws {
        let streaming = try ListQuery(
            query: QueryParameters("watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"), watch: true)
        #expect(streaming.streamsInitialEvents)
        #expect(streaming.revision == nil)
        let plain = try ListQuery(query: QueryParameters("resourceVersion=12&limit=-1"), watch: false)
        #expect(plain.revision == 12)
        #expect(plain.limit == nil)
        #expect(throws: APIError.self) { try ListQuery(query: QueryParameters("resourceVersionMatch=Exact"), watch: false) }
        #expect(throws: APIError.self) { try ListQuery(query: QueryParameters("resourceVersion=0&resourceVersionMatch=Exact"), watch: false) }
        #expect(throws: APIError.self) { try ListQuery(query: QueryParameters("sendInitialEvents=false"), watch: true) }
        do throws(APIError) {
            _ = try ListQuery(query: QueryParameters("resourceVersion=x1"), watch: true)
            Issue.record("accepted a bad resourceVersion")
        } catch {
            #expect(error.code == 400)
            #expect(error.message == #"invalid resource version: resourceVersion: Invalid value: "x1": strconv.ParseUint: parsing "x1": invalid syntax"#)
        }
    }

    @Test func continueTokensRoundTripAndBadOnesAreWordedAsKube() throws {
        let key = ObjectKeyFixture.key
        let token = ContinueToken.encode(after: key, revision: 9)
        #expect(try ContinueToken.decode(token, resource: key.resource) == key)
        #expect(throws: APIError.self) { try ContinueToken.decode("garbage", resource: "datasets") }
    }

    typealias State = ConnectionTimeoutState<ContinuousClock.Instant>

    @Test func connectionTimeoutsStateMachine() {
        let t0 = ContinuousClock.now
        let timeouts = ConnectionTimeouts(header: .seconds(30), idle: .seconds(90))
        var s = State(timeouts: timeouts, now: t0)
        #expect(s.deadline == t0 + .seconds(30))  // the first request's head
        #expect(s.timerFired(now: t0 + .seconds(10)) == .schedule(t0 + .seconds(30)))
        #expect(s.bytesReceived(now: t0 + .seconds(1)) == .schedule(t0 + .seconds(31)))
        #expect(s.bytesReceived(now: t0 + .seconds(2)) == .none)  // more head bytes extend nothing
        #expect(s.headReceived(now: t0 + .seconds(3)) == .schedule(t0 + .seconds(63)))  // the body's 60 s
        #expect(s.connectionDeadline == nil)
        #expect(s.bodyEnded() == .cancel)
        #expect(s.deadline == nil)
        #expect(s.timerFired(now: t0 + .seconds(3600)) == .none)  // a watch is never cut
        _ = s.headReceived(now: t0 + .seconds(3601))  // pipelined
        _ = s.bodyEnded()
        #expect(s.responseEnded(now: t0 + .seconds(4000)) == .none)
        #expect(s.responseEnded(now: t0 + .seconds(4001)) == .schedule(t0 + .seconds(4091)))
        #expect(s.timerFired(now: t0 + .seconds(4091)) == .close)
        var silent = State(timeouts: timeouts, now: t0)
        #expect(silent.timerFired(now: t0 + .seconds(30)) == .close)
    }

    @Test func bodyTimeoutFailsTheBodyOnceAndOutlivesAnEarlyResponse() {
        let t0 = ContinuousClock.now
        let timeouts = ConnectionTimeouts(header: .seconds(30), idle: .seconds(90), body: .seconds(60))
        var s = State(timeouts: timeouts, now: t0)
        #expect(s.headReceived(now: t0) == .schedule(t0 + .seconds(60)))
        #expect(s.timerFired(now: t0 + .seconds(59)) == .schedule(t0 + .seconds(60)))
        #expect(s.timerFired(now: t0 + .seconds(60)) == .failBody)
        #expect(s.bodyDeadline == nil)
        #expect(s.timerFired(now: t0 + .seconds(61)) == .none)  // failed once; the 504 is being written
        #expect(s.responseEnded(now: t0 + .seconds(61)) == .schedule(t0 + .seconds(151)))
        // A handler that answers without reading the body: the body's deadline still holds.
        var early = State(timeouts: timeouts, now: t0)
        _ = early.headReceived(now: t0)
        #expect(early.responseEnded(now: t0 + .seconds(1)) == .schedule(t0 + .seconds(60)))
        #expect(early.timerFired(now: t0 + .seconds(60)) == .failBody)
        #expect(early.bodyEnded() == .schedule(t0 + .seconds(91)))
        // A body that ends in time leaves only the idle deadline.
        var quick = State(timeouts: timeouts, now: t0)
        _ = quick.headReceived(now: t0)
        #expect(quick.bodyEnded() == .cancel)
        #expect(quick.responseEnded(now: t0 + .seconds(2)) == .schedule(t0 + .seconds(92)))
    }
}

enum ObjectKeyFixture {
    static var key: ObjectKey { ObjectKey(resource: "datasets", namespace: "ns", name: "n") }
}
