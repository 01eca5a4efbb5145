import EdgeAICore

/// The hub's side of one edge connection, as a pure state machine.
///
/// States: `awaitingHello` → (`hello`) → `resyncing` → (edge acks `resyncDone`) → `live`;
/// any state → `closed`. Every event returns the actions the caller performs, in order:
/// send frames, start status writes, log/count refusals, close the connection. It does no I/O,
/// reads no clock (the caller passes `now`), and never crashes on peer input: anything invalid
/// becomes an `error` frame followed by `close`.
///
/// What it keeps: the node's desired set (as last sent to the edge), the unacknowledged
/// changes, outstanding pings, and the coalesced status reports waiting to be written.
/// What it does not do: decide what a node should hold (``DesiredState``), authenticate (the
/// `node` passed in comes from the verified token), or perform writes.
///
/// - Important: call ``tick(now:)`` at ``nextDeadline`` (or sooner) for heartbeats, timeouts
///   and rate-limited writes.
package struct HubSession<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    package enum State: Hashable, Sendable {
        case awaitingHello
        case resyncing
        case live
        case closed
    }

    package enum Action: Hashable, Sendable {
        /// Send this frame to the edge.
        case send(CloudToEdge)
        /// Perform this status write, then call ``writeCompleted(_:outcome:now:)``.
        case writeStatus(StatusWrite)
        /// A report was refused: log it and count it. It precedes the `reportResult` that answers
        /// the report, so a refusal is counted before the edge can see it.
        case refused(RefusedReport)
        /// The edge acknowledged the resync: it now equals the desired state.
        case resynced(upserts: Int, deletes: Int, duration: Duration)
        /// The node persisted a dataset it did not hold before (a uid absent from its inventory
        /// and from everything sent to it on this connection): announce it once.
        case delivered(ObjectRef)
        /// Close the connection with this error's close code (an `error` frame was sent first
        /// unless the edge itself reported the error).
        case close(ProtocolError)
    }

    /// The node, as authenticated by its token.
    package let node: String
    package let configuration: HubConfiguration
    package private(set) var state: State = .awaitingHello
    /// The node's desired set, which is also what the edge holds once the sends are acked.
    package private(set) var desired: DesiredSet
    /// The version agreed in the handshake.
    package private(set) var version: ProtocolVersion?
    /// The agent's self-reported build, for logs.
    package private(set) var agentVersion: String?
    /// Reports refused since the connection opened.
    package internal(set) var refusedCount = 0

    private let openedAt: Instant
    private var lastSeq: UInt64 = 0
    private var unacked: [UInt64: Instant] = [:]
    /// No seq below this is unacknowledged.
    private var ackFloor: UInt64 = 1
    private var resync: (doneSeq: UInt64, startedAt: Instant, upserts: Int, deletes: Int)?
    /// Datasets new to the edge, by the seq of the upsert that brings them.
    private var firstDeliveries: [UInt64: ObjectRef] = [:]
    private var nextPingAt: Instant?
    private var lastNonce: UInt64 = 0
    private var outstandingPings: [(nonce: UInt64, sentAt: Instant)] = []
    var reports: ReportQueue
    var writeBucket: TokenBucket<Instant>
    var nextWriteID: UInt64 = 1

    /// A session for a freshly upgraded connection of `node`, whose desired set is `desired`.
    package init(node: String, desired: DesiredSet, configuration: HubConfiguration = HubConfiguration(), now: Instant) {
        self.node = node
        self.desired = desired
        self.configuration = configuration
        self.openedAt = now
        self.reports = ReportQueue()
        self.writeBucket = TokenBucket(ratePerSecond: configuration.statusWritesPerSecond, burst: configuration.statusWriteBurst)
    }

    /// Changes sent and not yet acknowledged.
    package var unackedCount: Int { unacked.count }

    /// Reports waiting for a write, and writes in flight.
    package var pendingReportCount: Int { reports.queued.count }
    package var inFlightWriteCount: Int { reports.inFlight.count }

    // MARK: Events

    /// A frame arrived. Oversized, malformed and unknown frames close the connection.
    package mutating func receive(frame: some Collection<UInt8>, now: Instant) -> [Action] {
        guard state != .closed else { return [] }
        do {
            return receive(try WireCodec.decodeEdgeToCloud(frame, maxFrameBytes: configuration.maxFrameBytes), now: now)
        } catch {
            return fail(error)
        }
    }

    /// A decoded message arrived.
    package mutating func receive(_ message: EdgeToCloud, now: Instant) -> [Action] {
        switch (state, message) {
        case (.closed, _):
            return []
        case (.awaitingHello, .hello(let hello)):
            return handshake(hello, now: now)
        case (.awaitingHello, _):
            return fail(ProtocolError(.protocolViolation, "expected hello as the first message, got \(message.type)"))
        case (_, .hello):
            return fail(ProtocolError(.protocolViolation, "hello sent twice"))
        case (_, .ack(let seq)):
            return acknowledge(seq, now: now)
        case (_, .statusReport(let report)):
            return receiveReport(report, now: now)
        case (_, .ping(let nonce)):
            return [.send(.pong(nonce: nonce))]
        case (_, .pong(let nonce)):
            outstandingPings.removeAll { $0.nonce <= nonce }
            return []
        case (_, .error(let error)):
            state = .closed
            return [.close(ProtocolError(error.code, "edge reported: \(error.message)"))]
        }
    }

    /// The node's desired set changed (a routed change from ``DesiredState/changes(old:new:)``
    /// meant for this node). Sends what the edge needs once the handshake is done; before it,
    /// only updates the set the resync will use.
    package mutating func desiredChanged(_ change: ObjectChange, now: Instant) -> [Action] {
        guard state != .closed else { return [] }
        // A v1 edge cannot decode a Secret: its credentials stay out of its set.
        if change.key.kind == .secret, let version, !version.carriesSecrets { return [] }
        let previousUID = desired[change.key]?.uid
        let messages = desired.apply(change)
        var actions: [Action] = []
        for message in messages {
            if case .delete(let ref) = message { actions += dropReports(for: ref, reason: "object is no longer assigned to node \(node)") }
        }
        guard state != .awaitingHello else { return actions }
        for message in messages {
            actions.append(.send(sequenced(message, now: now)))
            if case .upsert(let object) = message, object.kind == .dataset, object.uid != previousUID {
                firstDeliveries[lastSeq] = object.ref
            }
        }
        return actions
    }

    /// The credentials the node needs are now those of `target` (its desired set computed
    /// afresh): the Secret deletes and upserts that take the edge there. The other kinds change
    /// only through ``desiredChanged(_:now:)``.
    package mutating func credentialsChanged(to target: DesiredSet, now: Instant) -> [Action] {
        desired.changes(toMatch: target, for: .secret).flatMap { desiredChanged($0, now: now) }
    }

    /// Timers: handshake timeout, pings, heartbeat and ack timeouts, rate-limited writes.
    package mutating func tick(now: Instant) -> [Action] {
        switch state {
        case .closed:
            return []
        case .awaitingHello:
            if openedAt.advanced(by: configuration.helloTimeout) <= now {
                return fail(ProtocolError(.handshakeTimeout, "no hello within \(configuration.helloTimeout)"))
            }
            return []
        case .resyncing, .live:
            if let oldest = outstandingPings.first, oldest.sentAt.advanced(by: configuration.heartbeatTimeout) <= now {
                return fail(ProtocolError(.heartbeatTimeout, "no pong within \(configuration.heartbeatTimeout)"))
            }
            if let (seq, sentAt) = oldestUnacked(), sentAt.advanced(by: configuration.ackTimeout) <= now {
                return fail(ProtocolError(.ackTimeout, "change \(seq) not acknowledged within \(configuration.ackTimeout)"))
            }
            var actions: [Action] = []
            if let nextPingAt, nextPingAt <= now {
                lastNonce += 1
                outstandingPings.append((lastNonce, now))
                self.nextPingAt = now.advanced(by: configuration.heartbeatInterval)
                actions.append(.send(.ping(nonce: lastNonce)))
            }
            return actions + drainReports(now: now)
        }
    }

    /// When ``tick(now:)`` next has something to do; `nil` when closed.
    package var nextDeadline: Instant? {
        switch state {
        case .closed:
            return nil
        case .awaitingHello:
            return openedAt.advanced(by: configuration.helloTimeout)
        case .resyncing, .live:
            var candidates: [Instant] = []
            if let nextPingAt { candidates.append(nextPingAt) }
            if let oldest = outstandingPings.first { candidates.append(oldest.sentAt.advanced(by: configuration.heartbeatTimeout)) }
            if let (_, sentAt) = oldestUnacked() { candidates.append(sentAt.advanced(by: configuration.ackTimeout)) }
            if let ready = reports.earliestReady() {
                candidates.append(max(ready, writeBucket.nextToken(now: ready)))
            }
            return candidates.min()
        }
    }

    /// Closes the session on the hub's initiative: `replaced` by a newer connection of the same
    /// node, `goingAway` on shutdown. Reports not yet written are simply dropped: the edge keeps
    /// them in its outbox and sends them again.
    package mutating func close(_ error: ProtocolError) -> [Action] {
        guard state != .closed else { return [] }
        return fail(error)
    }

    /// The transport closed (peer gone). No actions: nothing can be sent any more.
    package mutating func transportClosed() {
        state = .closed
        reports = ReportQueue()
        firstDeliveries = [:]
    }

    // MARK: Internals

    mutating func fail(_ error: ProtocolError) -> [Action] {
        state = .closed
        reports = ReportQueue()
        firstDeliveries = [:]
        return [.send(.error(ErrorMessage(error))), .close(error)]
    }

    private mutating func handshake(_ hello: Hello, now: Instant) -> [Action] {
        guard let version = ProtocolVersion.negotiate(offered: hello.versions, supported: configuration.supportedVersions) else {
            let offered = hello.versions.map(\.description).joined(separator: ", ")
            let speaks = configuration.supportedVersions.map(\.description).joined(separator: ", ")
            return fail(ProtocolError(.unsupportedVersion, "edge offered [\(offered)], hub speaks [\(speaks)]"))
        }
        self.version = version
        if !version.carriesSecrets { desired = desired.removingAll(.secret) }
        agentVersion = hello.agentVersion
        let welcome = Welcome(
            version: version, nodeName: node,
            heartbeatIntervalMs: Int64(configuration.heartbeatInterval.seconds * 1000),
            maxFrameBytes: configuration.maxFrameBytes)
        var actions: [Action] = [.send(.welcome(welcome))]
        let plan = SyncPlan(inventory: hello.inventory, desired: desired)
        let held = Set(hello.inventory.map(\.uid))
        for change in plan.changes {
            actions.append(.send(sequenced(change, now: now)))
            if case .upsert(let object) = change, object.kind == .dataset, !held.contains(object.uid) {
                firstDeliveries[lastSeq] = object.ref
            }
        }
        lastSeq += 1
        unacked[lastSeq] = now
        actions.append(.send(.resyncDone(seq: lastSeq)))
        resync = (lastSeq, now, plan.upserts.count, plan.deletes.count)
        state = .resyncing
        nextPingAt = now.advanced(by: configuration.heartbeatInterval)
        return actions
    }

    private mutating func sequenced(_ change: ObjectChange, now: Instant) -> CloudToEdge {
        lastSeq += 1
        unacked[lastSeq] = now
        switch change {
        case .upsert(let object): return .upsert(object, seq: lastSeq)
        case .delete(let ref): return .delete(ref, seq: lastSeq)
        }
    }

    /// Acks are idempotent: an ack for an unknown or already acknowledged seq changes nothing.
    private mutating func acknowledge(_ seq: UInt64, now: Instant) -> [Action] {
        guard unacked.removeValue(forKey: seq) != nil else { return [] }
        while ackFloor <= lastSeq, unacked[ackFloor] == nil { ackFloor += 1 }
        if let delivered = firstDeliveries.removeValue(forKey: seq) { return [.delivered(delivered)] }
        guard state == .resyncing, let resync, seq == resync.doneSeq else { return [] }
        state = .live
        self.resync = nil
        return [.resynced(upserts: resync.upserts, deletes: resync.deletes, duration: resync.startedAt.duration(to: now))]
    }

    /// Invariant: `ackFloor` is the lowest unacknowledged seq, or `lastSeq + 1`.
    private func oldestUnacked() -> (UInt64, Instant)? {
        unacked[ackFloor].map { (ackFloor, $0) }
    }
}
