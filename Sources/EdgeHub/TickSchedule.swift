/// When a connection's timers wake: the timer loop's next deadline and the earliest extra tick
/// scheduled before it. Pure.
///
/// Invariant: whenever the session becomes due earlier than every scheduled wake, exactly one
/// extra tick is scheduled for that instant; once it fired, the next earlier due schedules
/// another (so a queue of throttled reports drains at the token rate, not at the loop's).
struct TickSchedule<Instant: InstantProtocol> {
    /// Where the timer loop sleeps until.
    var loopDeadline: Instant
    /// The earliest extra tick scheduled and not yet fired.
    private(set) var early: Instant?

    init(loopDeadline: Instant) {
        self.loopDeadline = loopDeadline
    }

    /// The session is next due at `due`: returns the instant to schedule an extra tick at, or
    /// nil when a wake at or before `due` is already scheduled.
    mutating func schedule(due: Instant?) -> Instant? {
        guard let due else { return nil }
        let wake = early.map { min($0, loopDeadline) } ?? loopDeadline
        guard due < wake else { return nil }
        early = due
        return due
    }

    /// The extra tick scheduled at `instant` fired.
    mutating func fired(_ instant: Instant) {
        if let early, early <= instant { self.early = nil }
    }
}
