import EdgeAICore
import Testing

@testable import KubeClient

@Suite(.timeLimit(.minutes(5)))
struct RateLimitTests {
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
