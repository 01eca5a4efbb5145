/// Jittered exponential backoff: attempt `n` (from 0) waits a random time in
/// `[d/2, d]` where `d = min(maximum, initial * 2^n)` ("equal jitter"). Pure.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before retry `attempt`, with `random` in `0...1` choosing within the jitter.
    public func delay(attempt: Int, random: Double) -> Duration {
        let factor = Double(1 << min(max(attempt, 0), 30))
        let full = min(TokenBucket.seconds(maximum), TokenBucket.seconds(initial) * factor)
        let r = min(max(random, 0), 1)
        return .nanoseconds(Int64(full * (0.5 + 0.5 * r) * 1e9))
    }

    /// The delay before retry `attempt`, drawn with the system random generator.
    public func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, random: Double.random(in: 0...1))
    }
}
