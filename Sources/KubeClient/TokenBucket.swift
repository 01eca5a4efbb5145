/// A token bucket: `qps` tokens per second, at most `burst` saved up. Pure; time is passed in.
///
/// ``reserve(at:)`` always grants a token and returns how long the caller must wait before using
/// it, so concurrent callers queue fairly (client-go's `tokenBucketRateLimiter` semantics).
public struct TokenBucket: Sendable, Equatable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var last: Duration

    /// - Precondition: `qps > 0` and `burst >= 1`.
    public init(qps: Double, burst: Int, now: Duration = .zero) {
        precondition(qps > 0 && burst >= 1, "qps must be positive and burst at least 1")
        self.qps = qps
        self.burst = burst
        self.tokens = Double(burst)
        self.last = now
    }

    /// Takes one token at time `now` (an offset from any fixed origin, never decreasing) and
    /// returns the wait before the request may be sent; `.zero` when a token was available.
    public mutating func reserve(at now: Duration) -> Duration {
        if now > last {
            tokens = min(Double(burst), tokens + Self.seconds(now - last) * qps)
            last = now
        }
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .nanoseconds(Int64((-tokens / qps * 1e9).rounded(.up)))
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, attos) = d.components
        return Double(s) + Double(attos) / 1e18
    }
}

/// Rate-limits requests of one ``KubeClient`` with a ``TokenBucket`` on the continuous clock.
actor RateLimiter {
    private var bucket: TokenBucket
    private let origin = ContinuousClock.now

    init(qps: Double, burst: Int) {
        bucket = TokenBucket(qps: qps, burst: burst)
    }

    /// Waits for a token; throws `CancellationError` if cancelled while waiting.
    func acquire() async throws {
        let wait = bucket.reserve(at: ContinuousClock.now - origin)
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
