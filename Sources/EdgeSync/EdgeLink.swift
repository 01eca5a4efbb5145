package import EdgeAICore

/// The agent's side of the link to the hub, as a pure state machine.
///
/// States: `disconnected` → `connecting` → (transport open, `hello` sent) `syncing` →
/// (`resyncDone` persisted) `live`; a failure anywhere goes back to `disconnected` with a
/// jittered, capped exponential reconnect delay; `stopped` is final. Every event returns
/// actions for the agent to perform in order. No I/O, no clock (the caller passes `now`);
/// randomness comes from a seedable generator.
///
/// Logging: a ``Action/transition(_:)`` action is emitted for each state change, except inside
/// a retry streak: once an attempt failed, the repeated connecting/disconnected changes are
/// silent until the link is `live` again (the first failure and the recovery are logged).
///
/// Ordering and idempotency: within a connection the link drops an `upsert`/`delete` whose
/// `seq` is not newer than the last one applied to the same slot (acknowledging it, since a
/// newer state is already held); ``Inventory`` rules make repeated applies harmless.
package struct EdgeLink<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    package enum State: String, Hashable, Sendable {
        case disconnected, connecting, syncing, live, stopped
    }

    /// A state change worth a log line.
    package struct Transition: Hashable, Sendable, CustomStringConvertible {
        package var from: State
        package var to: State
        package var reason: String?
        /// Consecutive failed attempts so far.
        package var failedAttempts: Int

        package init(from: State, to: State, reason: String? = nil, failedAttempts: Int) {
            self.from = from
            self.to = to
            self.reason = reason
            self.failedAttempts = failedAttempts
        }

        package var description: String {
            var text = "hub link \(from.rawValue) → \(to.rawValue)"
            if let reason { text += ": \(reason)" }
            if failedAttempts > 0 { text += " (\(failedAttempts) failed attempt\(failedAttempts == 1 ? "" : "s"))" }
            return text
        }
    }

    package enum Action: Hashable, Sendable {
        /// Open the connection now; then call ``connected(inventory:now:)`` or
        /// ``connectionLost(reason:now:)``.
        case connect
        /// Call ``reconnectDue(now:)`` after this delay.
        case reconnect(after: Duration)
        case send(EdgeToCloud)
        /// Persist this change (by the ``Inventory`` rules), then call ``persisted(seq:)``.
        case apply(ObjectChange, seq: UInt64)
        /// Delete this report from the durable outbox (only if its id still matches).
        case removeReport(reportID: String, outcome: ReportOutcome)
        /// Close the connection with this error's close code (an `error` frame was sent first
        /// unless the hub itself reported the error). The link is already `disconnected`.
        case close(ProtocolError)
        /// Log this.
        case transition(Transition)
    }

    package let configuration: EdgeLinkConfiguration
    package private(set) var state: State = .disconnected
    package private(set) var outbox: ReportOutbox
    /// The hub's `welcome` for the current connection.
    package private(set) var welcome: Welcome?
    package private(set) var failedAttempts = 0

    private var random: SplitMix64
    private var connectedAt: Instant?
    private var lastReceivedAt: Instant?
    private var lastSeqByKey: [SyncKey: UInt64] = [:]
    private var unpersisted: Set<UInt64> = []
    private var resyncDoneSeq: UInt64?
    private var retryAt: [String: Instant] = [:]

    /// A link holding `outbox` (restored from the agent's store).
    package init(configuration: EdgeLinkConfiguration, outbox: ReportOutbox = ReportOutbox(), random: SplitMix64 = SplitMix64()) {
        self.configuration = configuration
        self.outbox = outbox
        self.random = random
    }

    // MARK: Connection lifecycle

    /// First connection attempt.
    package mutating func start(now: Instant) -> [Action] {
        guard state == .disconnected else { return [] }
        return move(to: .connecting) + [.connect]
    }

    /// The reconnect delay elapsed.
    package mutating func reconnectDue(now: Instant) -> [Action] {
        guard state == .disconnected else { return [] }
        return move(to: .connecting) + [.connect]
    }

    /// The transport is open: say hello with what the agent holds.
    package mutating func connected(inventory: [InventoryEntry], now: Instant) -> [Action] {
        guard state == .connecting else { return [] }
        resetConnection()
        connectedAt = now
        lastReceivedAt = now
        let hello = Hello(versions: configuration.versions, agentVersion: configuration.agentVersion, inventory: inventory)
        return move(to: .syncing) + [.send(.hello(hello))]
    }

    /// The connection failed to open, or closed. A failure before `live` extends the retry
    /// streak; a drop from `live` starts afresh.
    package mutating func connectionLost(reason: String, now: Instant) -> [Action] {
        switch state {
        case .disconnected, .stopped:
            return []
        case .live:
            failedAttempts = 0
            resetConnection()
            return move(to: .disconnected, reason: reason) + [.reconnect(after: nextDelay())]
        case .connecting, .syncing:
            failedAttempts += 1
            resetConnection()
            return move(to: .disconnected, reason: reason, startsStreak: failedAttempts == 1)
                + [.reconnect(after: nextDelay())]
        }
    }

    /// Stop for good (agent shutdown).
    package mutating func stop() -> [Action] {
        guard state != .stopped else { return [] }
        let wasConnected = state == .syncing || state == .live
        resetConnection()
        let error = ProtocolError(.goingAway, "agent shutting down")
        let closing: [Action] = wasConnected ? [.send(.error(ErrorMessage(error))), .close(error)] : []
        return closing + move(to: .stopped)
    }

    // MARK: Messages

    /// A frame arrived from the hub.
    package mutating func receive(frame: some Collection<UInt8>, now: Instant) -> [Action] {
        guard state == .syncing || state == .live else { return [] }
        do {
            return receive(try WireCodec.decodeCloudToEdge(frame, maxFrameBytes: configuration.maxFrameBytes), now: now)
        } catch {
            return fail(error, now: now)
        }
    }

    package mutating func receive(_ message: CloudToEdge, now: Instant) -> [Action] {
        guard state == .syncing || state == .live else { return [] }
        lastReceivedAt = now
        switch (welcome, message) {
        case (nil, .welcome(let welcome)):
            return handshake(welcome, now: now)
        case (nil, .error(let error)), (_?, .error(let error)):
            return fail(ProtocolError(error.code, "hub reported: \(error.message)"), now: now, sendError: false)
        case (nil, _):
            return fail(ProtocolError(.protocolViolation, "expected welcome as the first message, got \(message.type)"), now: now)
        case (_?, .welcome):
            return fail(ProtocolError(.protocolViolation, "welcome sent twice"), now: now)
        case (_?, .upsert(_, let seq)), (_?, .delete(_, let seq)):
            guard let change = message.change else { return [] }
            // A duplicate still being persisted is acknowledged when it is; an older seq for
            // the slot is stale (a newer state is held or on its way) and acknowledged at once.
            if unpersisted.contains(seq) { return [] }
            if let last = lastSeqByKey[change.key], seq <= last { return [.send(.ack(seq: seq))] }
            lastSeqByKey[change.key] = seq
            unpersisted.insert(seq)
            return [.apply(change, seq: seq)]
        case (_?, .resyncDone(let seq)):
            resyncDoneSeq = seq
            return finishResyncIfPersisted()
        case (_?, .reportResult(let result)):
            return resolve(result, now: now)
        case (_?, .ping(let nonce)):
            return [.send(.pong(nonce: nonce))]
        case (_?, .pong):
            return []
        }
    }

    /// The change with `seq` is persisted.
    package mutating func persisted(seq: UInt64) -> [Action] {
        guard unpersisted.remove(seq) != nil else { return [] }
        return [.send(.ack(seq: seq))] + finishResyncIfPersisted()
    }

    /// Persisting failed: close and resync on the next connection.
    package mutating func persistFailed(seq: UInt64, reason: String, now: Instant) -> [Action] {
        guard state == .syncing || state == .live else { return [] }
        return fail(ProtocolError(.internalError, "could not persist change \(seq): \(reason)"), now: now)
    }

    /// A new report, already written to the durable outbox by the caller.
    package mutating func report(_ report: StatusReport, now: Instant) -> [Action] {
        outbox.put(report)
        retryAt[report.reportID] = nil
        guard welcome != nil, state == .syncing || state == .live else { return [] }
        return [.send(.statusReport(report))]
    }

    // MARK: Timers

    /// Handshake and silence timeouts; reports due again after `retryLater`.
    package mutating func tick(now: Instant) -> [Action] {
        guard state == .syncing || state == .live, let connectedAt else { return [] }
        guard let welcome else {
            if connectedAt.advanced(by: configuration.handshakeTimeout) <= now {
                return fail(ProtocolError(.handshakeTimeout, "no welcome within \(configuration.handshakeTimeout)"), now: now)
            }
            return []
        }
        let silence = welcome.heartbeatInterval * configuration.silenceIntervals
        if let lastReceivedAt, lastReceivedAt.advanced(by: silence) <= now {
            return fail(ProtocolError(.heartbeatTimeout, "hub silent for \(silence)"), now: now)
        }
        var actions: [Action] = []
        for (reportID, due) in retryAt.sorted(by: { $0.key < $1.key }) where due <= now {
            retryAt[reportID] = nil
            if let report = outbox.report(id: reportID) { actions.append(.send(.statusReport(report))) }
        }
        return actions
    }

    /// When ``tick(now:)`` next has something to do.
    package var nextDeadline: Instant? {
        guard state == .syncing || state == .live, let connectedAt else { return nil }
        guard let welcome else { return connectedAt.advanced(by: configuration.handshakeTimeout) }
        let silence = lastReceivedAt.map { $0.advanced(by: welcome.heartbeatInterval * configuration.silenceIntervals) }
        return ([silence].compactMap { $0 } + Array(retryAt.values)).min()
    }

    // MARK: Internals

    private mutating func handshake(_ welcome: Welcome, now: Instant) -> [Action] {
        guard configuration.versions.contains(welcome.version) else {
            return fail(ProtocolError(.unsupportedVersion, "hub chose \(welcome.version), agent speaks \(configuration.versions)"), now: now)
        }
        guard configuration.node.isEmpty || welcome.nodeName == configuration.node else {
            return fail(
                ProtocolError(.nodeMismatch, "hub authenticated node \"\(welcome.nodeName)\", agent is configured as \"\(configuration.node)\""),
                now: now)
        }
        self.welcome = welcome
        return outbox.sorted.map { .send(.statusReport($0)) }
    }

    private mutating func finishResyncIfPersisted() -> [Action] {
        guard state == .syncing, let seq = resyncDoneSeq, unpersisted.isEmpty else { return [] }
        resyncDoneSeq = nil
        let recovered = failedAttempts
        failedAttempts = 0
        var actions: [Action] = [.send(.ack(seq: seq))]
        let old = state
        state = .live
        actions.append(.transition(Transition(from: old, to: .live, reason: nil, failedAttempts: recovered)))
        return actions
    }

    private mutating func resolve(_ result: ReportResult, now: Instant) -> [Action] {
        guard result.outcome.isFinal else {
            if outbox.report(id: result.reportID) != nil {
                retryAt[result.reportID] = now.advanced(by: configuration.reportRetryDelay)
            }
            return []
        }
        guard outbox.resolve(reportID: result.reportID, outcome: result.outcome) != nil else { return [] }
        retryAt[result.reportID] = nil
        return [.removeReport(reportID: result.reportID, outcome: result.outcome)]
    }

    private mutating func fail(_ error: ProtocolError, now: Instant, sendError: Bool = true) -> [Action] {
        let closing: [Action] = (sendError ? [.send(.error(ErrorMessage(error)))] : []) + [.close(error)]
        return closing + connectionLost(reason: error.description, now: now)
    }

    private mutating func resetConnection() {
        welcome = nil
        connectedAt = nil
        lastReceivedAt = nil
        lastSeqByKey = [:]
        unpersisted = []
        resyncDoneSeq = nil
        retryAt = [:]
    }

    private mutating func nextDelay() -> Duration {
        configuration.backoff.delay(attempt: max(0, failedAttempts - 1), using: &random)
    }

    /// Changes state; returns the transition to log unless it is a repeat inside a retry streak.
    private mutating func move(to new: State, reason: String? = nil, startsStreak: Bool = false) -> [Action] {
        let old = state
        state = new
        guard old != new else { return [] }
        let loud = failedAttempts == 0 || startsStreak || new == .live || new == .stopped
        return loud ? [.transition(Transition(from: old, to: new, reason: reason, failedAttempts: failedAttempts))] : []
    }
}
