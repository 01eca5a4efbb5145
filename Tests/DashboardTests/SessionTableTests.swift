@testable import Dashboard
import Testing

/// The session table and the one-time codes: pure, driven with a hand-moved clock.
struct SessionTableTests {
    let start = ContinuousClock.now

    @Test func idsAreRandom256BitBase64URL() {
        let ids = Set((0..<200).map { _ in SecretID.make() })
        #expect(ids.count == 200)
        for id in ids { #expect(SecretID.isWellFormed(id)) }
        #expect(!SecretID.isWellFormed("short"))
        #expect(!SecretID.isWellFormed(String(repeating: "=", count: 43)))
        #expect(SecretID.base64URL([0xFB, 0xFF]) == "-_8")
    }

    @Test func aSessionIsFoundUntilIdleOrTooOld() {
        var table = SessionTable<String, ContinuousClock.Instant>(capacity: 4, idleTimeout: .seconds(60), absoluteTimeout: .seconds(300))
        let (id, dropped) = table.insert("alice", now: start)
        #expect(dropped.isEmpty)
        #expect(table.lookup(id, now: start + .seconds(59)).value == "alice")
        // Used at 59 s: idle counts from then.
        #expect(table.lookup(id, now: start + .seconds(118)).value == "alice")
        let expired = table.lookup(id, now: start + .seconds(178) + .milliseconds(1))
        #expect(expired.value == nil)
        #expect(expired.expired == "alice")
        #expect(table.count == 0)

        // Kept busy, a session still ends at its absolute lifetime.
        let (busy, _) = table.insert("bob", now: start)
        for minute in 1...4 { #expect(table.lookup(busy, now: start + .seconds(minute * 59)).value == "bob") }
        #expect(table.lookup(busy, now: start + .seconds(300)).value == nil)
    }

    @Test func unknownAndMalformedIdsFindNothing() {
        var table = SessionTable<String, ContinuousClock.Instant>(capacity: 4, idleTimeout: .seconds(60), absoluteTimeout: .seconds(300))
        _ = table.insert("alice", now: start)
        #expect(table.lookup(SecretID.make(), now: start).value == nil)
        #expect(table.lookup("", now: start).value == nil)
        #expect(table.lookup("../../etc/passwd", now: start).value == nil)
    }

    @Test func aFullTableDropsTheLeastRecentlyUsed() {
        var table = SessionTable<String, ContinuousClock.Instant>(capacity: 3, idleTimeout: .seconds(600), absoluteTimeout: .seconds(6000))
        let a = table.insert("a", now: start).id
        let b = table.insert("b", now: start + .seconds(1)).id
        let c = table.insert("c", now: start + .seconds(2)).id
        #expect(table.lookup(a, now: start + .seconds(3)).value == "a")  // b is now the oldest use
        let (d, dropped) = table.insert("d", now: start + .seconds(4))
        #expect(dropped == ["b"])
        #expect(table.count == 3)
        #expect(table.lookup(b, now: start + .seconds(5)).value == nil)
        for (id, value) in [(a, "a"), (c, "c"), (d, "d")] { #expect(table.lookup(id, now: start + .seconds(5)).value == value) }
        #expect(table.remove(a) == "a")
        #expect(table.lookup(a, now: start + .seconds(5)).value == nil)
        #expect(Set(table.removeAll()) == ["c", "d"])
    }

    @Test func expiredSessionsAreSweptBeforeEvicting() {
        var table = SessionTable<String, ContinuousClock.Instant>(capacity: 2, idleTimeout: .seconds(10), absoluteTimeout: .seconds(100))
        _ = table.insert("old", now: start)
        let fresh = table.insert("fresh", now: start + .seconds(9)).id
        let (_, dropped) = table.insert("new", now: start + .seconds(15))
        #expect(dropped == ["old"])
        #expect(table.lookup(fresh, now: start + .seconds(15)).value == "fresh")
    }

    @Test func aCodeIsRedeemedOnceAndOnlyInTime() {
        var codes = LoginCodes<ContinuousClock.Instant>(capacity: 4, lifetime: .seconds(600))
        let code = codes.mint(token: "t1", now: start)
        #expect(code != nil)
        #expect(codes.redeem(code ?? "", now: start + .seconds(1)) == "t1")
        #expect(codes.redeem(code ?? "", now: start + .seconds(2)) == nil)

        let late = codes.mint(token: "t2", now: start)
        #expect(codes.redeem(late ?? "", now: start + .seconds(600)) == nil)
        #expect(codes.redeem(late ?? "", now: start + .seconds(1)) == nil)  // gone even though it failed
        #expect(codes.redeem("not-a-code", now: start) == nil)
        #expect(codes.redeem(SecretID.make(), now: start) == nil)
    }

    @Test func outstandingCodesAreBounded() {
        var codes = LoginCodes<ContinuousClock.Instant>(capacity: 2, lifetime: .seconds(60))
        #expect(codes.mint(token: "a", now: start) != nil)
        let second = codes.mint(token: "b", now: start)
        #expect(second != nil)
        #expect(codes.mint(token: "c", now: start) == nil)
        #expect(codes.redeem(second ?? "", now: start) == "b")
        #expect(codes.mint(token: "c", now: start) != nil)
        // Expired codes make room.
        #expect(codes.mint(token: "d", now: start + .seconds(60)) != nil)
        #expect(codes.count == 1)
    }
}
