package import EdgeAIAPI
import EdgeAICore

/// What a connection tells the hub about its node (besides being alive).
package struct NodeObservation: Hashable, Sendable {
    package var agentVersion: String?
    package var datasets: Int
    package var models: Int
    /// Reports the node sent that the hub has not answered yet.
    package var outboxDepth: Int
    /// `host:port` the connection came from.
    package var address: String?

    package init(agentVersion: String? = nil, datasets: Int = 0, models: Int = 0, outboxDepth: Int = 0, address: String? = nil) {
        self.agentVersion = agentVersion
        self.datasets = datasets
        self.models = models
        self.outboxDepth = outboxDepth
        self.address = address
    }
}

/// One EdgeNode status write the ledger decided on.
package struct NodeStatusWrite: Hashable, Sendable {
    package var node: String
    package var status: EdgeNodeStatus
    /// The node is connected: a missing EdgeNode is created (its first connect). An offline
    /// node's EdgeNode is never re-created.
    package var createIfMissing: Bool

    package init(node: String, status: EdgeNodeStatus, createIfMissing: Bool) {
        self.node = node
        self.status = status
        self.createIfMissing = createIfMissing
    }
}

/// How an EdgeNode status write ended.
package enum NodeStatusWriteOutcome: Hashable, Sendable {
    case applied
    /// The EdgeNode does not exist (and was not to be created): the ledger forgets the node.
    case missing
    /// Transient: retried after ``NodeStatusPolicy/retryDelay``.
    case failed(reason: String)
}

/// The hub's decisions about EdgeNode status, as a pure value: which node is online, which went
/// offline (silent past the grace period), what each holds, and when a write is due.
///
/// Events come from connections (``connected``, ``observed``, ``disconnected``) and from the API
/// (``known(_:status:now:)`` for EdgeNodes the hub has not seen connect, ``forget(_:)``);
/// ``tick(now:wall:)`` returns the writes to start, within ``NodeStatusPolicy``'s budget. It
/// reads no clock: `now` orders deadlines, `wall` is what gets written. A connected node's
/// `lastHeartbeatTime` is the write's time: the session closes a connection whose pings go
/// unanswered for `heartbeatTimeout`, so a live connection is a heartbeat that recent.
///
/// Invariant: at most one write per node in flight; a node is written when its phase or Ready
/// status changes (first, within the transitions' budget, then the steady one), when what it
/// holds changed (at most every `minWriteInterval`), and when connected every
/// `heartbeatRefreshInterval` (both within the steady budget only).
package struct NodeLedger<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    package let policy: NodeStatusPolicy
    private var entries: [String: Entry] = [:]
    /// Changes and heartbeat refreshes (and transitions once their own budget is spent).
    private var bucket: TokenBucket<Instant>
    /// Transitions only.
    private var transitions: TokenBucket<Instant>

    struct Entry: Sendable {
        var connection: UInt64?
        var observation = NodeObservation()
        var connectedAt: Time?
        /// Disconnected (or found Online in the API with no connection): since when, and the
        /// last time it was heard of.
        var silentSince: (instant: Instant, lastHeard: Time)?
        /// What the API holds, as far as the ledger knows.
        var written: EdgeNodeStatus?
        var writtenAt: Instant?
        var inFlight = false
        var retryAt: Instant?
        var createsEdgeNode = true
    }

    package init(policy: NodeStatusPolicy = NodeStatusPolicy()) {
        self.policy = policy
        self.bucket = TokenBucket(ratePerSecond: policy.writesPerSecond, burst: policy.writeBurst)
        self.transitions = TokenBucket(ratePerSecond: policy.transitionWritesPerSecond, burst: policy.transitionBurst)
    }

    /// Nodes the ledger tracks.
    package var count: Int { entries.count }
    package func isConnected(_ node: String) -> Bool { entries[node]?.connection != nil }

    /// Connected, or connected on this hub and silent for less than the grace period: what the
    /// EdgeNode says (or will say once written).
    package func isOnline(_ node: String, now: Instant) -> Bool {
        guard let entry = entries[node] else { return false }
        if entry.connection != nil { return true }
        guard entry.connectedAt != nil, let silent = entry.silentSince else { return false }
        return now < silent.instant.advanced(by: policy.offlineGracePeriod)
    }

    // MARK: Events

    /// `connection` of `node` completed its upgrade; `createsEdgeNode`: its first connect may
    /// create the missing EdgeNode (a generation-less token being adopted).
    package mutating func connected(_ node: String, connection: UInt64, observation: NodeObservation, createsEdgeNode: Bool = true, wall: Time) {
        var entry = entries[node] ?? Entry()
        if let current = entry.connection, current > connection { return }
        entry.connection = connection
        entry.createsEdgeNode = createsEdgeNode
        entry.observation = observation
        entry.connectedAt = wall
        entry.silentSince = nil
        entries[node] = entry
    }

    /// What `connection` currently reports about its node; ignored for a replaced connection.
    package mutating func observed(_ node: String, connection: UInt64, observation: NodeObservation) {
        guard entries[node]?.connection == connection else { return }
        entries[node]?.observation = observation
    }

    /// `connection` ended; `lastHeard` is the last frame received on it. Ignored when a newer
    /// connection of the node replaced it.
    package mutating func disconnected(_ node: String, connection: UInt64, lastHeard: Time, now: Instant) {
        guard entries[node]?.connection == connection else { return }
        entries[node]?.connection = nil
        entries[node]?.silentSince = (now, lastHeard)
    }

    /// The API holds an EdgeNode for `node` with `status`. Only a node the ledger does not
    /// track yet is taken in (its own writes echo back later than it made them): one Online
    /// without a connection here is treated as disconnected now, so it goes offline after the
    /// grace period (a hub restart, a node that went away while no hub ran).
    package mutating func known(_ node: String, status: EdgeNodeStatus?, now: Instant) {
        guard entries[node] == nil else { return }
        var entry = Entry()
        entry.written = status
        entry.observation = NodeObservation(
            agentVersion: status?.agentVersion, datasets: Int(status?.datasets ?? 0), models: Int(status?.models ?? 0),
            outboxDepth: Int(status?.outboxDepth ?? 0), address: status?.address)
        if status?.phase == EdgeNodePhase.online.rawValue {
            entry.silentSince = (now, status?.lastHeartbeatTime ?? Time.now())
        }
        entries[node] = entry
    }

    /// The EdgeNode was deleted: stop writing it.
    package mutating func forget(_ node: String) {
        entries[node] = nil
    }

    /// A write the ledger returned completed.
    package mutating func completed(_ write: NodeStatusWrite, outcome: NodeStatusWriteOutcome, now: Instant) {
        guard entries[write.node] != nil else { return }
        entries[write.node]?.inFlight = false
        switch outcome {
        case .applied:
            entries[write.node]?.written = write.status
            entries[write.node]?.writtenAt = now
            entries[write.node]?.retryAt = nil
        case .missing:
            if !write.createIfMissing { entries[write.node] = nil }
        case .failed:
            let retryAt = now.advanced(by: policy.retryDelay)
            entries[write.node]?.retryAt = retryAt
        }
    }

    // MARK: Decisions

    /// The status `node` should have now, or nil when nothing should be written (never seen
    /// connected, or known from the API only and silent but still within the grace period).
    package func desiredStatus(_ node: String, now: Instant, wall: Time) -> EdgeNodeStatus? {
        entries[node].flatMap { desired($0, now: now, wall: wall) }
    }

    func desired(_ entry: Entry, now: Instant, wall: Time) -> EdgeNodeStatus? {
        let previous = entry.written?.conditions?[type: EdgeNodeConditions.ready]
        let ready: Condition
        var status = EdgeNodeStatus(
            agentVersion: entry.observation.agentVersion, datasets: Int64(entry.observation.datasets),
            models: Int64(entry.observation.models), outboxDepth: Int64(entry.observation.outboxDepth),
            address: entry.observation.address)
        let silentWithinGrace = entry.silentSince.map { now < $0.instant.advanced(by: policy.offlineGracePeriod) } ?? false
        if entry.connection != nil || (silentWithinGrace && entry.connectedAt != nil) {
            // Connected, or connected on this hub and silent for less than the grace period: still
            // Online (so a node that drops before its first write is written Online all the same).
            status.phase = EdgeNodePhase.online.rawValue
            status.lastHeartbeatTime = entry.connection != nil ? wall : entry.silentSince?.lastHeard
            ready = Condition(
                type: EdgeNodeConditions.ready, status: "True", reason: EdgeNodeConditions.connected,
                message: "connected to the hub" + (entry.observation.address.map { " from \($0)" } ?? ""),
                lastTransitionTime: previous?.status == "True" ? previous?.lastTransitionTime : (entry.connectedAt ?? wall))
        } else if let silent = entry.silentSince, silent.instant.advanced(by: policy.offlineGracePeriod) <= now {
            status.phase = EdgeNodePhase.offline.rawValue
            status.lastHeartbeatTime = silent.lastHeard
            status.outboxDepth = nil
            ready = Condition(
                type: EdgeNodeConditions.ready, status: "Unknown", reason: EdgeNodeConditions.nodeOffline,
                message: "no heartbeat since \(silent.lastHeard.rfc3339) (grace period \(policy.offlineGracePeriod))",
                lastTransitionTime: previous?.status == "Unknown" ? previous?.lastTransitionTime : silent.lastHeard)
        } else {
            return nil
        }
        status.conditions = [ready]
        return status
    }

    enum Due { case transition, change, heartbeat }

    /// Why `entry` needs a write now, if it does.
    func due(_ entry: Entry, desired: EdgeNodeStatus, now: Instant) -> Due? {
        guard let written = entry.written else { return .transition }
        if written.phase != desired.phase
            || written.conditions?[type: EdgeNodeConditions.ready]?.status != desired.conditions?[type: EdgeNodeConditions.ready]?.status
        {
            return .transition
        }
        let writtenAt = entry.writtenAt
        if Self.withoutHeartbeat(written) != Self.withoutHeartbeat(desired) {
            if writtenAt.map({ $0.advanced(by: policy.minWriteInterval) <= now }) ?? true { return .change }
        }
        if entry.connection != nil, writtenAt.map({ $0.advanced(by: policy.heartbeatRefreshInterval) <= now }) ?? true {
            return .heartbeat
        }
        return nil
    }

    static func withoutHeartbeat(_ status: EdgeNodeStatus) -> EdgeNodeStatus {
        var status = status
        status.lastHeartbeatTime = nil
        return status
    }

    /// The writes to start now: transitions first (from their own budget, then the steady one),
    /// then changes and heartbeat refreshes (the longest unwritten first, from the steady budget),
    /// as many as the budgets allow.
    package mutating func tick(now: Instant, wall: Time) -> [NodeStatusWrite] {
        var candidates: [(due: Due, writtenAt: Instant?, node: String, status: EdgeNodeStatus)] = []
        for (node, entry) in entries where !entry.inFlight && (entry.retryAt.map { $0 <= now } ?? true) {
            guard let status = desired(entry, now: now, wall: wall), let due = due(entry, desired: status, now: now) else { continue }
            candidates.append((due, entry.writtenAt, node, status))
        }
        guard !candidates.isEmpty else { return [] }
        candidates.sort { a, b in
            let (ra, rb) = (a.due == .transition ? 0 : 1, b.due == .transition ? 0 : 1)
            if ra != rb { return ra < rb }
            switch (a.writtenAt, b.writtenAt) {
            case (nil, nil): return a.node < b.node
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return x == y ? a.node < b.node : x < y
            }
        }
        var writes: [NodeStatusWrite] = []
        for candidate in candidates {
            let transition = candidate.due == .transition
            guard (transition && transitions.tryTake(now: now)) || bucket.tryTake(now: now) else {
                if transition { continue }
                break
            }
            entries[candidate.node]?.inFlight = true
            writes.append(NodeStatusWrite(
                node: candidate.node, status: candidate.status,
                createIfMissing: (entries[candidate.node]?.createsEdgeNode ?? false) && candidate.status.phase == EdgeNodePhase.online.rawValue))
        }
        return writes
    }

    /// When ``tick(now:wall:)`` next has something to do (a grace period ending, a write
    /// interval passing, a retry, a write token), or nil when nothing is pending.
    package func nextDeadline(now: Instant, wall: Time) -> Instant? {
        var earliest: Instant?
        func consider(_ instant: Instant) { earliest = earliest.map { min($0, instant) } ?? instant }
        var waitingForTransition = false
        var waitingForToken = false
        for entry in entries.values where !entry.inFlight {
            if let retryAt = entry.retryAt, now < retryAt {
                consider(retryAt)
                continue
            }
            if let status = desired(entry, now: now, wall: wall) {
                if let due = due(entry, desired: status, now: now) {
                    if due == .transition { waitingForTransition = true } else { waitingForToken = true }
                    continue
                }
                if let writtenAt = entry.writtenAt {
                    if Self.withoutHeartbeat(entry.written ?? status) != Self.withoutHeartbeat(status) {
                        consider(writtenAt.advanced(by: policy.minWriteInterval))
                    }
                    if entry.connection != nil { consider(writtenAt.advanced(by: policy.heartbeatRefreshInterval)) }
                }
            }
            if let silent = entry.silentSince, now < silent.instant.advanced(by: policy.offlineGracePeriod) {
                consider(silent.instant.advanced(by: policy.offlineGracePeriod))
            }
        }
        if waitingForToken || waitingForTransition { consider(max(now, bucket.nextToken(now: now))) }
        if waitingForTransition { consider(max(now, transitions.nextToken(now: now))) }
        return earliest
    }
}
