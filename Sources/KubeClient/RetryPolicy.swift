public import EdgeAICore
import Foundation

/// Which failed requests ``KubeClient`` retries, how often, and how long it waits.
///
/// Retried, with ``backoff`` (or the server's `Retry-After`):
/// - 429 Too Many Requests, for every method: the server refused it before doing anything.
/// - Connection failures before the request was sent (refused, connect timeout), every method.
/// - Broken connections and 500/502/503/504, only for idempotent requests: GET, PUT carrying a
///   `resourceVersion` (a replay fails with 409 instead of writing twice), merge and apply
///   PATCH (applying the same document twice has the same result). Not JSON patch, POST or DELETE.
/// TLS failures (wrong CA, rejected client certificate) are never retried.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt; 0 disables retrying.
    public var maxRetries: Int
    public var backoff: Backoff
    /// The longest `Retry-After` honoured; longer ones are capped.
    public var maximumRetryAfter: Duration

    public init(maxRetries: Int = 5, backoff: Backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10)), maximumRetryAfter: Duration = .seconds(30)) {
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.maximumRetryAfter = maximumRetryAfter
    }

    public static let none = RetryPolicy(maxRetries: 0)

    /// Whether an answer with HTTP `code` is retried for a request of this idempotency.
    public static func isRetryable(code: Int, idempotent: Bool) -> Bool {
        switch code {
        case 429: true
        case 500, 502, 503, 504: idempotent
        default: false
        }
    }

    /// The `Retry-After` header value (seconds) as a duration; `nil` if absent or an HTTP date.
    public static func retryAfter(header: String?) -> Duration? {
        guard let header, let seconds = Int(header.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}

/// Runs `body` again while it fails with a 409 Conflict (client-go's `RetryOnConflict`): the body
/// must re-read the object and apply its change each time. Other errors are thrown at once.
public func retryOnConflict<R: Sendable>(
    maxAttempts: Int = 5, backoff: Backoff = Backoff(initial: .milliseconds(10), maximum: .seconds(1)),
    _ body: () async throws -> R
) async throws -> R {
    var attempt = 0
    while true {
        do {
            return try await body()
        } catch let error as KubeError where error.isConflict && attempt + 1 < maxAttempts {
            try await Task.sleep(for: backoff.delay(attempt: attempt))
            attempt += 1
        }
    }
}
