import EdgeAICore
package import EdgeSync
package import Logging
import NIOSSL
import ServiceLifecycle

/// The edge side of the hub transport: drives an ``EdgeLink`` over a TLS WebSocket.
///
/// `run()` connects, says `hello` with the store's inventory, persists every change the hub
/// sends through the ``HubClientStore`` (acknowledging each once `apply` returned), sends the
/// outbox's reports and removes them when the hub answers them finally, and reconnects with the
/// link's jittered backoff whenever the connection fails — until graceful shutdown (which sends
/// `goingAway`) or cancellation. Each link ``EdgeLink/Transition`` is logged once.
///
/// What it does not do: write reports to the durable outbox (the caller does, then calls
/// ``report(_:)``), decide what a change means for the node (the store's job), or resolve
/// hostnames other than the URL's.
///
/// - Important: `run()` may be called once.
package actor HubClient: Service {
    package typealias Link = EdgeLink<ContinuousClock.Instant>

    package let configuration: HubClientConfiguration
    let store: any HubClientStore
    let logger: Logger
    let clock = ContinuousClock()
    var link: Link
    /// The open connection the link is using, if any.
    var connection: Connection?
    var lastConnectionID: UInt64 = 0
    /// The last token or TLS refusal logged: logged once when it first happens, again only after
    /// a connection succeeded (the link's own log is silent inside a retry streak).
    var loggedCredentialFailure: String?
    /// Set by a `.connect` action, consumed by the run loop.
    var connectRequested = false
    /// Set by a `.reconnect(after:)` action, consumed by the run loop.
    var reconnectDelay: Duration?
    var started = false
    /// Why the current connection attempt failed before the link saw it, if known.
    var sessionFailure: String?
    private let stateContinuation: AsyncStream<Link.State>.Continuation
    /// Every state the link enters, in order (buffered: the newest 64). Single consumer.
    package nonisolated let stateChanges: AsyncStream<Link.State>

    package init(configuration: HubClientConfiguration, store: any HubClientStore, outbox: ReportOutbox, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.link = Link(configuration: configuration.link, outbox: outbox)
        (stateChanges, stateContinuation) = AsyncStream.makeStream(of: Link.State.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// Connection attempts made so far (the first one and every reconnect), for metrics.
    package private(set) var connectAttempts = 0

    /// The link's current state (for readiness and tests).
    package var state: Link.State { link.state }

    /// The reports not yet answered finally by the hub.
    package var pendingReports: ReportOutbox { link.outbox }

    /// Connects, resyncs, reconnects forever with backoff; returns on graceful shutdown or cancellation.
    package func run() async throws {
        precondition(!started, "HubClient.run() may be called once")
        started = true
        defer { stateContinuation.finish() }
        let tls = try makeTLSConfiguration()
        await perform(link.start(now: clock.now), connectionID: nil)
        while link.state != .stopped, !Task.isCancelled {
            if Task.isShuttingDownGracefully {
                await perform(link.stop(), connectionID: connection?.id)
                break
            }
            if connectRequested {
                connectRequested = false
                await connectOnce(tls: tls)
            } else if let delay = reconnectDelay {
                reconnectDelay = nil
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                if Task.isCancelled || Task.isShuttingDownGracefully { continue }
                await perform(link.reconnectDue(now: clock.now), connectionID: nil)
            } else {
                // Nothing scheduled (cannot happen with EdgeLink's actions): start over.
                reconnectDelay = configuration.link.backoff.initial
            }
        }
        if link.state != .stopped { await perform(link.stop(), connectionID: nil) }
    }

    /// A new report the caller has already written to its durable outbox.
    package func report(_ report: StatusReport) async {
        await perform(link.report(report, now: clock.now), connectionID: connection?.id)
    }

    // MARK: Performing actions

    /// Performs the link's actions in order. `connectionID` is the connection the event came
    /// from; sends go to the current connection only.
    func perform(_ actions: [Link.Action], connectionID: UInt64?) async {
        for action in actions {
            switch action {
            case .connect:
                connectRequested = true
            case .reconnect(let delay):
                reconnectDelay = delay
            case .send(let message):
                guard let connection else { continue }
                await connection.send(message)
            case .apply(let change, let seq):
                await apply(change, seq: seq, connectionID: connectionID)
            case .removeReport(let reportID, let outcome):
                do {
                    try await store.removeReport(reportID: reportID, outcome: outcome)
                } catch {
                    logger.error("could not remove report from the outbox", metadata: ["report": "\(reportID)", "error": "\(error)"])
                }
                if case .refused(let reason) = outcome {
                    logger.warning("hub refused report", metadata: ["report": "\(reportID)", "reason": "\(reason)"])
                }
            case .close(let error):
                let closing = connection
                connection = nil
                await closing?.close(error)
            case .transition(let transition):
                log(transition)
            }
        }
    }

    private func apply(_ change: ObjectChange, seq: UInt64, connectionID: UInt64?) async {
        do {
            try await store.apply(change)
        } catch {
            guard connectionID != nil, connection?.id == connectionID else { return }
            await perform(link.persistFailed(seq: seq, reason: "\(error)", now: clock.now), connectionID: connectionID)
            return
        }
        // A seq belongs to one connection: a late completion must not acknowledge the next
        // connection's change with the same number.
        guard connectionID != nil, connection?.id == connectionID else { return }
        await perform(link.persisted(seq: seq), connectionID: connectionID)
    }

    private func log(_ transition: EdgeLink<ContinuousClock.Instant>.Transition) {
        stateContinuation.yield(transition.to)
        if transition.to == .connecting { connectAttempts += 1 }
        var metadata: Logger.Metadata = ["node": "\(configuration.link.node)", "state": "\(transition.to.rawValue)"]
        if let reason = transition.reason { metadata["reason"] = "\(reason)" }
        if transition.failedAttempts > 0 { metadata["failedAttempts"] = "\(transition.failedAttempts)" }
        if transition.to == .disconnected {
            logger.warning("\(transition.description)", metadata: metadata)
        } else {
            logger.info("\(transition.description)", metadata: metadata)
        }
    }

    private func makeTLSConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        do {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(configuration.caPEM.utf8)))
        } catch {
            throw HubClientError("caPEM is not a valid PEM certificate: \(error)")
        }
        // An IP literal cannot be sent as SNI, and the WebSocket client verifies the certificate
        // against the SNI name: for a hub addressed by IP, the certificate must chain to the
        // cluster CA (trusted alone), its name is not checked.
        tls.certificateVerification = configuration.hostIsIPAddress ? .noHostnameVerification : .fullVerification
        return tls
    }
}

/// A configuration the hub client cannot work with.
package struct HubClientError: Error, CustomStringConvertible, Sendable {
    package var message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}
