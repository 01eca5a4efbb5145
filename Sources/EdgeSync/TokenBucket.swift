/// A token bucket: at most `burst` operations at once, refilled at `ratePerSecond`.
///
/// Pure: the caller passes the current instant. Used by ``HubSession`` to limit status writes.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let ratePerSecond: Double
    public let burst: Double
    private var tokens: Double
    private var refilledAt: Instant?

    /// A full bucket. A non-positive rate means unlimited.
    public init(ratePerSecond: Double, burst: Int) {
        self.ratePerSecond = ratePerSecond
        self.burst = Double(max(1, burst))
        self.tokens = Double(max(1, burst))
    }

    private mutating func refill(_ now: Instant) {
        if let refilledAt, refilledAt < now {
            tokens = min(burst, tokens + refilledAt.duration(to: now).seconds * ratePerSecond)
        }
        if refilledAt.map({ $0 < now }) ?? true { refilledAt = now }
    }

    /// Takes one token if there is one.
    public mutating func tryTake(now: Instant) -> Bool {
        guard ratePerSecond > 0 else { return true }
        refill(now)
        guard tokens >= 1 - 1e-9 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token is available: `now` if one is, never earlier than the last refill.
    public func nextToken(now: Instant) -> Instant {
        guard ratePerSecond > 0 else { return now }
        var copy = self
        let base = max(now, refilledAt ?? now)
        copy.refill(base)
        guard copy.tokens < 1 - 1e-9 else { return base }
        return base.advanced(by: .seconds((1 - copy.tokens) / ratePerSecond))
    }
}
