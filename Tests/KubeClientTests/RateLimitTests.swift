import Testing

@testable import KubeClient

struct RateLimitTests {
    @Test func tokenBucketAllowsBurstThenPacesAtQPS() {
        var bucket = TokenBucket(qps: 10, burst: 3)
        #expect((0..<3).map { _ in bucket.reserve(at: .zero) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(at: .zero) == .milliseconds(100))
        #expect(bucket.reserve(at: .zero) == .milliseconds(200))
        // After 1 s the bucket is full again (capped at burst), not 10 tokens.
        var refilled = TokenBucket(qps: 10, burst: 3)
        for _ in 0..<3 { _ = refilled.reserve(at: .zero) }
        #expect((0..<3).map { _ in refilled.reserve(at: .seconds(1)) } == [.zero, .zero, .zero])
        #expect(refilled.reserve(at: .seconds(1)) == .milliseconds(100))
        // Partial refill.
        var partial = TokenBucket(qps: 10, burst: 1)
        _ = partial.reserve(at: .zero)
        #expect(partial.reserve(at: .milliseconds(50)) == .milliseconds(50))
    }

    @Test func backoffGrowsExponentiallyWithJitterAndCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        #expect(backoff.delay(attempt: 0, random: 0) == .milliseconds(50))
        #expect(backoff.delay(attempt: 0, random: 1) == .milliseconds(100))
        #expect(backoff.delay(attempt: 3, random: 1) == .milliseconds(800))
        #expect(backoff.delay(attempt: 10, random: 1) == .seconds(2))
        #expect(backoff.delay(attempt: 10, random: 0) == .seconds(1))
        for attempt in 0..<8 {
            let d = backoff.delay(attempt: attempt)
            #expect(d >= backoff.delay(attempt: attempt, random: 0) && d <= backoff.delay(attempt: attempt, random: 1))
        }
    }

    @Test func retryPolicyRetriesOnlySafeAnswers() {
        #expect(RetryPolicy.isRetryable(code: 429, idempotent: false))
        #expect(RetryPolicy.isRetryable(code: 503, idempotent: true))
        #expect(!RetryPolicy.isRetryable(code: 503, idempotent: false))
        #expect(!RetryPolicy.isRetryable(code: 409, idempotent: true))
        #expect(!RetryPolicy.isRetryable(code: 404, idempotent: true))
        #expect(RetryPolicy.retryAfter(header: " 3") == .seconds(3))
        #expect(RetryPolicy.retryAfter(header: "Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.retryAfter(header: nil) == nil)
    }

    @Test func retryOnConflictRetriesOnlyConflicts() async throws {
        let conflict = KubeError(kind: .api, code: 409, reason: "Conflict", message: "modified")
        var calls = 0
        let result = try await retryOnConflict(backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(1))) {
            calls += 1
            if calls < 3 { throw conflict }
            return "done"
        }
        #expect(result == "done" && calls == 3)
        calls = 0
        await #expect(throws: KubeError.self) {
            try await retryOnConflict(maxAttempts: 2, backoff: Backoff(initial: .milliseconds(1), maximum: .milliseconds(1))) {
                calls += 1
                throw conflict
            }
        }
        #expect(calls == 2)
        calls = 0
        let notFound = KubeError(kind: .api, code: 404, reason: "NotFound", message: "x")
        await #expect(throws: KubeError.self) {
            try await retryOnConflict {
                calls += 1
                throw notFound
            }
        }
        #expect(calls == 1)
    }
}
