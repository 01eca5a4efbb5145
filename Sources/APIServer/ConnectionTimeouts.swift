/// How long a connection may wait: `header` for a request's head to arrive once its first bytes
/// came (and for the first request of a new connection), `idle` between requests on a keep-alive
/// connection, `body` from a request's head to the end of its body (kube-apiserver's 60 s request
/// timeout covers the same wait). A request whose body has ended — an open watch above all — is
/// never timed out here.
package struct ConnectionTimeouts: Sendable, Equatable {
    package var header: Duration
    package var idle: Duration
    package var body: Duration

    /// 30 s to send a request head (Go's `ReadHeaderTimeout` is commonly set so), 90 s idle
    /// keep-alive (Go's `http.Transport` closes its idle connections after 90 s, so the client
    /// closes first), 60 s for a body (kube-apiserver's default `--request-timeout`).
    package static let standard = ConnectionTimeouts(header: .seconds(30), idle: .seconds(90), body: .seconds(60))

    package init(header: Duration, idle: Duration, body: Duration = .seconds(60)) {
        self.header = header
        self.idle = idle
        self.body = body
    }
}

/// The timeout state of one HTTP/1.1 connection, driven by its events; pure, generic over the
/// instant so it is tested without a clock.
///
/// Invariants: the connection deadline exists exactly when no request is in progress; the body
/// deadline exists exactly while a request's body is being received (which may outlast its
/// response when the handler did not read it).
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
        /// The body did not end in time: fail the body's reader (which answers 504), then close.
        case failBody
        /// No deadline is left: disarm the timer.
        case cancel
    }

    let timeouts: ConnectionTimeouts
    private(set) var phase: Phase
    private(set) var bodyDeadline: Instant?

    init(timeouts: ConnectionTimeouts, now: Instant) {
        self.timeouts = timeouts
        phase = .idle(deadline: now.advanced(by: timeouts.header))
    }

    /// When the connection closes unless a request arrives.
    var connectionDeadline: Instant? {
        switch phase {
        case .idle(let d), .readingHead(let d): d
        case .active: nil
        }
    }

    /// The earliest deadline: the timer is armed for it.
    var deadline: Instant? {
        switch (connectionDeadline, bodyDeadline) {
        case (let c?, let b?): min(c, b)
        case (let c?, nil): c
        case (nil, let b): b
        }
    }

    mutating func bytesReceived(now: Instant) -> Action {
        guard case .idle = phase else { return .none }
        phase = .readingHead(deadline: now.advanced(by: timeouts.header))
        return deadline.map(Action.schedule) ?? .none
    }

    mutating func headReceived(now: Instant) -> Action {
        switch phase {
        case .idle, .readingHead: phase = .active(requests: 1)
        case .active(let n): phase = .active(requests: n + 1)
        }
        let d = now.advanced(by: timeouts.body)
        bodyDeadline = d
        return .schedule(d)
    }

    mutating func bodyEnded() -> Action {
        bodyDeadline = nil
        return deadline.map(Action.schedule) ?? .cancel
    }

    mutating func responseEnded(now: Instant) -> Action {
        guard case .active(let n) = phase else { return .none }
        if n > 1 {
            phase = .active(requests: n - 1)
            return .none
        }
        phase = .idle(deadline: now.advanced(by: timeouts.idle))
        return deadline.map(Action.schedule) ?? .cancel
    }

    mutating func timerFired(now: Instant) -> Action {
        if let b = bodyDeadline, now >= b {
            bodyDeadline = nil
            return .failBody
        }
        if let c = connectionDeadline, now >= c { return .close }
        return deadline.map(Action.schedule) ?? .none
    }
}
