@testable import EdgeHub
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TickScheduleTests {
    let t0 = ContinuousClock.now

    @Test func anEarlierDueSchedulesOneExtraTick() {
        var ticks = TickSchedule(loopDeadline: t0 + .seconds(1))
        #expect(ticks.schedule(due: nil) == nil)
        #expect(ticks.schedule(due: t0 + .seconds(2)) == nil, "the loop wakes first")
        #expect(ticks.schedule(due: t0 + .milliseconds(5)) == t0 + .milliseconds(5))
        #expect(ticks.schedule(due: t0 + .milliseconds(5)) == nil, "already scheduled")
        #expect(ticks.schedule(due: t0 + .milliseconds(8)) == nil, "an earlier tick comes first")
        #expect(ticks.schedule(due: t0 + .milliseconds(2)) == t0 + .milliseconds(2), "earlier still")
    }

    /// The bug this type fixed: after an extra tick fired, the next throttled report waited for
    /// the loop's next second instead of its write token.
    @Test func afterAnExtraTickFiredTheNextDueSchedulesAnother() {
        var ticks = TickSchedule(loopDeadline: t0 + .seconds(1))
        let first = t0 + .milliseconds(5)
        #expect(ticks.schedule(due: first) == first)
        ticks.fired(first)
        #expect(ticks.early == nil)
        #expect(ticks.schedule(due: t0 + .milliseconds(10)) == t0 + .milliseconds(10))
        // A stale extra tick (an earlier one that was superseded) firing later keeps the newer one.
        ticks.fired(t0 + .milliseconds(7))
        #expect(ticks.early == t0 + .milliseconds(10))
        // The loop moving its own deadline earlier covers later dues.
        ticks.fired(t0 + .milliseconds(10))
        ticks.loopDeadline = t0 + .milliseconds(20)
        #expect(ticks.schedule(due: t0 + .milliseconds(30)) == nil)
    }
}
