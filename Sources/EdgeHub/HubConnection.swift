import CoreMetrics
import EdgeAICore
import EdgeSync
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// One edge node's WebSocket connection on the hub: drives a ``HubSession`` with the frames that
/// arrive, the changes routed to the node, its timers and the outcomes of its status writes.
///
/// Frames go out through one queue in the order the session produced them, written by one task,
/// so routing a change never waits for a slow socket (a node that stops reading is closed by the
/// session's ack timeout). Status writes run concurrently (one per object at a time, rate-limited
/// by the session). It ends when the socket closes, or `closeTimeout` after it closed the
/// session itself.
actor HubConnection {
    enum Outgoing: Sendable {
        case frame(String)
        case close(ProtocolError)
    }

    nonisolated let node: String
    nonisolated let id: UInt64
    /// The token generation the connection was admitted with (nil: a generation-less token).
    nonisolated let generation: UInt64?
    private var session: HubSession<ContinuousClock.Instant>
    private let writer: any StatusWriting
    private let events: (any EventRecording)?
    private let metrics: HubMetrics
    private let logger: Logger
    private let clock = ContinuousClock()
    private let closeTimeout: Duration
    private var closedAt: ContinuousClock.Instant?
    /// Why reading failed (a message over the limit, a protocol violation): rethrown once the
    /// connection's tasks are done, so the WebSocket handler closes with its code (1009 for a
    /// fragmented message over ``HubConfiguration/maxFrameBytes``), not with 1000.
    private var readFailure: (any Error)?
    private let outgoing: AsyncStream<Outgoing>
    private let outgoingContinuation: AsyncStream<Outgoing>.Continuation
    private let writes: AsyncStream<StatusWrite>
    private let writesContinuation: AsyncStream<StatusWrite>.Continuation
    /// When the timers wake; an event that makes the session due sooner (a report waiting for a
    /// write token) schedules an extra tick through `earlyTicks`.
    private var ticks: TickSchedule<ContinuousClock.Instant>
    private let earlyTicks: AsyncStream<ContinuousClock.Instant>
    private let earlyTicksContinuation: AsyncStream<ContinuousClock.Instant>.Continuation
    private let nodes: NodeKeeper?
    private let address: String?
    /// When the last frame from the node arrived.
    private var lastFrameAt: ContinuousClock.Instant
    /// What was last told to `nodes`.
    private var reportedObservation: NodeObservation?

    init(
        node: String, id: UInt64, generation: UInt64? = nil, desired: DesiredSet, configuration: HubConfiguration, closeTimeout: Duration,
        writer: any StatusWriting, events: (any EventRecording)?, metrics: HubMetrics, nodes: NodeKeeper? = nil,
        address: String? = nil, logger: Logger
    ) {
        self.nodes = nodes
        self.address = address
        self.lastFrameAt = ContinuousClock.now
        self.node = node
        self.id = id
        self.generation = generation
        self.session = HubSession(node: node, desired: desired, configuration: configuration, now: ContinuousClock.now)
        self.writer = writer
        self.events = events
        self.metrics = metrics
        self.logger = logger
        self.closeTimeout = closeTimeout
        (outgoing, outgoingContinuation) = AsyncStream.makeStream(
            of: Outgoing.self, bufferingPolicy: .bufferingOldest(Self.maxQueuedFrames))
        // Never more than one write per object: the session keeps one in flight per object.
        (writes, writesContinuation) = AsyncStream.makeStream(of: StatusWrite.self)
        // Dropping an extra tick only delays a write to the timer loop's next tick (≤ 1 s).
        (earlyTicks, earlyTicksContinuation) = AsyncStream.makeStream(
            of: ContinuousClock.Instant.self, bufferingPolicy: .bufferingNewest(64))
        ticks = TickSchedule(loopDeadline: ContinuousClock.now)
    }

    var state: HubSession<ContinuousClock.Instant>.State { session.state }

    /// How long since the node's last frame.
    var silence: Duration { lastFrameAt.duration(to: clock.now) }

    /// What the node holds and sends, for its EdgeNode: counted from the desired set once the
    /// node acknowledged its resync (before, it holds what its hello said).
    private var observation: NodeObservation {
        var datasets = 0
        var models = 0
        for object in session.desired.objects.values {
            switch object.kind {
            case .dataset: datasets += 1
            case .model: models += 1
            case .secret: break
            }
        }
        return NodeObservation(
            agentVersion: session.agentVersion, datasets: datasets, models: models,
            outboxDepth: session.pendingReportCount + session.inFlightWriteCount, address: address)
    }

    /// Tells `nodes` what changed since the last report (from the timer loop: at most once a second).
    private func reportObservation() async {
        guard let nodes, session.state == .live else { return }
        let current = observation
        guard current != reportedObservation else { return }
        reportedObservation = current
        await nodes.observed(node, connection: id, observation: current)
    }

    /// Frames queued for a node that does not read them. Past it the connection is dropped (the
    /// node reconnects and resyncs), so a stalled node costs bounded memory, as a slow watcher
    /// does in kube-apiserver.
    static let maxQueuedFrames = 65_536
    private var overflowed = false

    /// Serves the connection until it ends.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let maxFrameBytes = session.configuration.maxFrameBytes
        defer {
            outgoingContinuation.finish()
            writesContinuation.finish()
            earlyTicksContinuation.finish()
        }
        try await withThrowingTaskGroup(of: Part.self) { group in
            group.addTask {
                do {
                    for try await message in inbound.messages(maxSize: maxFrameBytes) {
                        let frame: [UInt8]
                        switch message {
                        case .text(let text): frame = Array(text.utf8)
                        case .binary(let buffer): frame = Array(buffer.readableBytesView)
                        }
                        guard await self.received(frame) else { break }
                    }
                } catch {
                    // Not thrown here: the sender may finish first (its stream ends with the
                    // transport), and the group would then drop this error.
                    await self.transportFailed(error)
                    return .reader
                }
                await self.transportClosed()
                return .reader
            }
            group.addTask { await self.sendLoop(outbound); return .sender }
            group.addTask { await self.runWrites(); return .writer }
            group.addTask { try await self.runTimers(); return .timer }
            group.addTask { await self.runEarlyTicks(); return .timer }
            // When reading stops, the sender still has to flush the session's last frames (an
            // `error`, then the close with its code): ending the handler first would let the
            // server close with 1000 instead.
            while let part = try await group.next(), part == .reader {}
            group.cancelAll()
        }
        if let readFailure { throw readFailure }
    }

    private enum Part { case reader, sender, writer, timer }

    /// A routed change for this node.
    func desiredChanged(_ change: ObjectChange) {
        perform(session.desiredChanged(change, now: clock.now))
        tickSoonerIfDue()
    }

    /// The node's desired set computed afresh, for its credentials (see
    /// ``HubSession/credentialsChanged(to:now:)``).
    func credentialsChanged(to desired: DesiredSet) {
        perform(session.credentialsChanged(to: desired, now: clock.now))
        tickSoonerIfDue()
    }

    /// Closes on the hub's initiative (`replaced`, `goingAway`).
    func close(_ error: ProtocolError) {
        perform(session.close(error))
    }

    // MARK: Internals

    /// Returns false once the session is closed (stop reading).
    private func received(_ frame: [UInt8]) -> Bool {
        metrics.messagesIn.increment()
        lastFrameAt = clock.now
        perform(session.receive(frame: frame, now: clock.now))
        tickSoonerIfDue()
        return session.state != .closed
    }

    private func transportFailed(_ error: any Error) {
        readFailure = error
        if session.state != .closed {
            metrics.protocolErrors.increment()
            logger.warning("edge connection failed", metadata: ["node": "\(node)", "error": "\(error)"])
        }
        session.transportClosed()
        outgoingContinuation.finish()
    }

    private func transportClosed() {
        session.transportClosed()
        outgoingContinuation.finish()
    }

    private func send(_ item: Outgoing) {
        guard case .dropped = outgoingContinuation.yield(item), !overflowed else { return }
        overflowed = true
        metrics.protocolErrors.increment()
        logger.warning(
            "edge node is not reading its connection; dropping it",
            metadata: ["node": "\(node)", "connection": "\(id)", "queuedFrames": "\(Self.maxQueuedFrames)"])
        session.transportClosed()
        outgoingContinuation.finish()
    }

    private func perform(_ actions: [HubSession<ContinuousClock.Instant>.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                metrics.messagesOut.increment()
                send(.frame(WireCodec.text(message)))
            case .writeStatus(let write):
                writesContinuation.yield(write)
            case .refused(let refusal):
                metrics.refusedReports.increment()
                logger.warning(
                    "status report refused",
                    metadata: [
                        "node": "\(refusal.node)", "object": "\(refusal.ref.key)", "uid": "\(refusal.ref.uid)",
                        "report": "\(refusal.reportID)", "reason": "\(refusal.reason)",
                    ])
                events?.record(
                    HubEvent(
                        ref: refusal.ref, type: "Warning", reason: "StatusReportRefused",
                        message: "status report from node \(refusal.node) refused: \(refusal.reason)"))
            case .delivered(let ref):
                logger.debug("dataset delivered", metadata: ["node": "\(node)", "object": "\(ref.key)", "uid": "\(ref.uid)"])
                events?.record(
                    HubEvent(ref: ref, type: "Normal", reason: "Delivered", message: "delivered to edge node \(node)"))
            case .resynced(let upserts, let deletes, let duration):
                metrics.resyncDuration.recordNanoseconds(duration.nanoseconds)
                logger.info(
                    "edge node resynced",
                    metadata: ["node": "\(node)", "upserts": "\(upserts)", "deletes": "\(deletes)", "duration": "\(duration)"])
            case .close(let error):
                if closedAt == nil { closedAt = clock.now }
                if error.code != .replaced, error.code != .goingAway { metrics.protocolErrors.increment() }
                logger.notice("closing edge connection", metadata: ["node": "\(node)", "error": "\(error)"])
                send(.close(error))
                outgoingContinuation.finish()
            }
        }
    }

    private nonisolated func sendLoop(_ outbound: WebSocketOutboundWriter) async {
        for await item in outgoing {
            switch item {
            case .frame(let text):
                do { try await outbound.write(.text(text)) } catch { return }
            case .close(let error):
                let reason = String(decoding: error.description.utf8.prefix(120), as: UTF8.self)
                try? await outbound.close(WebSocketErrorCode(codeNumber: Int(error.closeCode)), reason: reason)
                return
            }
        }
    }

    private nonisolated func runWrites() async {
        await withDiscardingTaskGroup { group in
            for await write in writes {
                group.addTask {
                    let started = ContinuousClock.now
                    let outcome = await self.writer.write(write)
                    self.metrics.statusWriteDuration.recordNanoseconds(started.duration(to: .now).nanoseconds)
                    switch outcome {
                    case .applied: self.metrics.statusWritesApplied.increment()
                    case .refused: self.metrics.statusWritesRefused.increment()
                    case .failed(let reason):
                        self.metrics.statusWritesFailed.increment()
                        self.logger.debug("status write failed", metadata: ["node": "\(self.node)", "object": "\(write.ref.key)", "reason": "\(reason)"])
                    }
                    await self.writeCompleted(write.id, outcome: outcome)
                }
            }
        }
    }

    private func writeCompleted(_ id: UInt64, outcome: StatusWriteOutcome) {
        perform(session.writeCompleted(id, outcome: outcome, now: clock.now))
        tickSoonerIfDue()
    }

    /// Schedules an extra tick when the session is due before the timer loop wakes (a report
    /// that found no write token must not wait for the loop's next second).
    private func tickSoonerIfDue() {
        guard closedAt == nil, let early = ticks.schedule(due: session.nextDeadline) else { return }
        earlyTicksContinuation.yield(early)
    }

    /// The extra tick scheduled for `instant`.
    private func tick(scheduledAt instant: ContinuousClock.Instant) {
        ticks.fired(instant)
        guard closedAt == nil else { return }
        perform(session.tick(now: clock.now))
        tickSoonerIfDue()
    }

    /// Sleeps until each requested instant, then ticks; ends with the connection.
    private nonisolated func runEarlyTicks() async {
        await withDiscardingTaskGroup { group in
            for await instant in earlyTicks {
                group.addTask {
                    guard (try? await ContinuousClock().sleep(until: instant)) != nil else { return }
                    await self.tick(scheduledAt: instant)
                }
            }
            group.cancelAll()
        }
    }

    /// Ticks the session at its deadlines (at least every second); once the session is closed,
    /// gives the edge `closeTimeout` to close the socket, then ends the connection.
    private func runTimers() async throws {
        while !Task.isCancelled {
            let now = clock.now
            let deadline: ContinuousClock.Instant
            if let closedAt {
                deadline = closedAt.advanced(by: closeTimeout)
                if deadline <= now { throw HubConnectionAbandoned() }
            } else {
                perform(session.tick(now: now))
                await reportObservation()
                let second = now.advanced(by: .seconds(1))
                deadline = closedAt.map { $0.advanced(by: closeTimeout) } ?? min(session.nextDeadline ?? second, second)
            }
            ticks.loopDeadline = deadline
            try await clock.sleep(until: deadline)
        }
    }
}

/// The session was closed and the edge did not close the socket in time.
struct HubConnectionAbandoned: Error {}
