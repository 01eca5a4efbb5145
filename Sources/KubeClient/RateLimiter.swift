import EdgeAICore

/// Rate-limits requests of one ``KubeClient`` with a ``TokenBucket`` on the continuous clock.
actor RateLimiter {
    private var bucket: TokenBucket<ContinuousClock.Instant>

    init(qps: Double, burst: Int) {
        bucket = TokenBucket(ratePerSecond: qps, burst: burst)
    }

    /// Waits for a token; throws `CancellationError` if cancelled while waiting.
    func acquire() async throws {
        let wait = bucket.reserve(now: .now)
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
