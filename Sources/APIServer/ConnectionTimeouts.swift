/// How long a connection may wait without a request in progress: `header` for a request's head
/// to arrive once its first bytes came (and for the first request of a new connection), `idle`
/// between requests on a keep-alive connection. A request in progress — an open watch above all
/// — is never timed out here.
public struct ConnectionTimeouts: Sendable, Equatable {
    public var header: Duration
    public var idle: Duration

    /// 30 s to send a request head (Go's `ReadHeaderTimeout` is commonly set so), 90 s idle
    /// keep-alive (Go's `http.Transport` closes its idle connections after 90 s, so the client
    /// closes first).
    public static let standard = ConnectionTimeouts(header: .seconds(30), idle: .seconds(90))

    public init(header: Duration, idle: Duration) {
        self.header = header
        self.idle = idle
    }
}

/// The timeout state of one HTTP/1.1 connection, driven by its events; pure, generic over the
/// instant so it is tested without a clock.
///
/// Invariant: a deadline exists exactly when no request is in progress.
struct ConnectionTimeoutState<Instant: InstantProtocol> where Instant.Duration == Duration {
    enum Phase: Equatable {
        /// No bytes of the next request yet.
        case idle(deadline: Instant)
        /// Some bytes of a request head arrived, the head is not complete.
        case readingHead(deadline: Instant)
        /// This many requests read and not yet answered.
        case active(requests: Int)
    }

    enum Action: Equatable {
        case none
        /// (Re)arm the timer for this deadline.
        case schedule(Instant)
        case close
    }

    let timeouts: ConnectionTimeouts
    private(set) var phase: Phase

    init(timeouts: ConnectionTimeouts, now: Instant) {
        self.timeouts = timeouts
        phase = .idle(deadline: now.advanced(by: timeouts.header))
    }

    var deadline: Instant? {
        switch phase {
        case .idle(let d), .readingHead(let d): d
        case .active: nil
        }
    }

    mutating func bytesReceived(now: Instant) -> Action {
        guard case .idle = phase else { return .none }
        let d = now.advanced(by: timeouts.header)
        phase = .readingHead(deadline: d)
        return .schedule(d)
    }

    mutating func headReceived() {
        switch phase {
        case .idle, .readingHead: phase = .active(requests: 1)
        case .active(let n): phase = .active(requests: n + 1)
        }
    }

    mutating func responseEnded(now: Instant) -> Action {
        guard case .active(let n) = phase else { return .none }
        if n > 1 {
            phase = .active(requests: n - 1)
            return .none
        }
        let d = now.advanced(by: timeouts.idle)
        phase = .idle(deadline: d)
        return .schedule(d)
    }

    mutating func timerFired(now: Instant) -> Action {
        guard let deadline else { return .none }
        return now >= deadline ? .close : .schedule(deadline)
    }
}
