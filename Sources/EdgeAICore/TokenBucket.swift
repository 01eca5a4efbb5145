/// A token bucket: at most `burst` operations at once, refilled at `ratePerSecond`.
///
/// Pure: the caller passes the current instant, which must never go backwards (an earlier
/// instant refills nothing). Two ways to spend a token:
/// - ``tryTake(now:)`` takes one only if one is there (the hub's status writes);
/// - ``reserve(now:)`` always takes one, going into debt, and says how long to wait before using
///   it, so concurrent callers queue fairly (client-go's `tokenBucketRateLimiter`).
/// A non-positive rate means unlimited.
package struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    package let ratePerSecond: Double
    package let burst: Int
    /// May be negative after ``reserve(now:)``: the debt later callers wait out.
    private var tokens: Double
    private var refilledAt: Instant?

    /// A full bucket. `burst` is at least 1.
    package init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = ratePerSecond
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
    }

    private var unlimited: Bool { ratePerSecond <= 0 }

    private mutating func refill(_ now: Instant) {
        if let refilledAt, refilledAt < now {
            tokens = min(Double(burst), tokens + refilledAt.duration(to: now).seconds * ratePerSecond)
        }
        if refilledAt.map({ $0 < now }) ?? true { refilledAt = now }
    }

    /// Takes one token if there is one.
    package mutating func tryTake(now: Instant) -> Bool {
        guard !unlimited else { return true }
        refill(now)
        guard tokens >= 1 - 1e-9 else { return false }
        tokens -= 1
        return true
    }

    /// Takes one token, available or not, and returns the wait before it may be used: `.zero`
    /// when one was there.
    package mutating func reserve(now: Instant) -> Duration {
        guard !unlimited else { return .zero }
        refill(now)
        tokens -= 1
        guard tokens < -1e-9 else { return .zero }
        return .nanoseconds(Int64((-tokens / ratePerSecond * 1e9).rounded(.up)))
    }

    /// When the next token is available: `now` if one is, never earlier than the last refill.
    package func nextToken(now: Instant) -> Instant {
        guard !unlimited else { return now }
        var copy = self
        let base = max(now, refilledAt ?? now)
        copy.refill(base)
        guard copy.tokens < 1 - 1e-9 else { return base }
        return base.advanced(by: .seconds((1 - copy.tokens) / ratePerSecond))
    }
}
