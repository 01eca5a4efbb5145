/// Capped exponential backoff with jitter: attempt `n` (from 0) waits a random delay in
/// `[c × (1 − jitter), c]`, where `c = min(maximum, initial × multiplier^n)`.
///
/// Pure: randomness comes from the generator passed in. Delays never exceed `maximum` and never
/// fall below `initial × (1 − jitter)`, so a fleet reconnecting at once spreads out instead of
/// stampeding, and a long outage is retried at least every `maximum`.
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
        let exponent = Double(min(max(0, attempt), 64))
        return .seconds(min(cap, base * power(multiplier, exponent)))
    }

    /// A jittered delay for `attempt` (0-based).
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(attempt: attempt).seconds
        let fraction = jitter == 0 ? 0 : Double.random(in: 0..<jitter, using: &generator)
        return .seconds(ceiling * (1 - fraction))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// `base` raised to a non-negative integral `exponent`, without importing Foundation.
private func power(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 {
        result *= base
        remaining -= 1
        if result.isInfinite { break }
    }
    return result
}
