/// Capped exponential backoff with jitter: attempt `n` (from 0) waits a random delay in
/// `[c × (1 − jitter), c]`, where `c = min(maximum, initial × multiplier^n)`.
///
/// Pure: randomness comes from the generator passed in. Delays never exceed `maximum` and never
/// fall below `initial × (1 − jitter)`, so a fleet reconnecting at once spreads out instead of
/// stampeding, and a long outage is retried at least every `maximum`. The default jitter of 0.5
/// is "equal jitter" (`[c/2, c]`).
public struct Backoff: Hashable, Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// Fraction of the delay that is randomized, in `0...1`.
    public var jitter: Double

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), multiplier: Double = 2, jitter: Double = 0.5) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
    }

    /// The largest delay for `attempt` (0-based).
    public func ceiling(attempt: Int) -> Duration {
        let base = initial.seconds
        let cap = maximum.seconds
        // Past ~64 doublings every realistic cap is reached; stop multiplying to avoid infinities.
        let exponent = min(max(0, attempt), 64)
        return .seconds(min(cap, base * power(multiplier, exponent)))
    }

    /// A jittered delay for `attempt` (0-based).
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(attempt: attempt).seconds
        let fraction = jitter == 0 ? 0 : Double.random(in: 0..<jitter, using: &generator)
        return .seconds(ceiling * (1 - fraction))
    }

    /// A jittered delay for `attempt` (0-based), drawn from the system generator.
    public func delay(attempt: Int) -> Duration {
        var system = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &system)
    }
}

/// `base` raised to a non-negative integral `exponent`, without importing Foundation.
private func power(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent {
        result *= base
        if result.isInfinite { break }
    }
    return result
}
