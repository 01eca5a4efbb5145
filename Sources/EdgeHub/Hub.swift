public import EdgeSync
import CoreMetrics
import HummingbirdWebSocket
import NIOWebSocket
public import Logging

/// The hub's registry of edge connections: at most one per node, and the router of desired-state
/// changes to them.
///
/// A new connection for a node replaces the previous one (closed with `replaced`). A connection's
/// initial desired set is read from `desired` when it registers, on this actor, so it is ordered
/// with ``route(_:)``: a change already in the caches but not yet routed reaches the session
/// twice, which ``DesiredSet`` ignores. No connection registers before `desiredSynced` returns:
/// a resync against caches still listing would tell the node to delete what it holds and refuse
/// its reports. It does not authenticate: the node comes from the verified token.
public actor Hub {
    public typealias DesiredSource = @Sendable (String) -> DesiredSet

    let configuration: HubConfiguration
    let closeTimeout: Duration
    let writer: any StatusWriting
    let events: (any EventRecording)?
    let metrics: HubMetrics
    let logger: Logger
    private let desired: DesiredSource
    private let desiredSynced: @Sendable () async throws -> Void
    private var connections: [String: HubConnection] = [:]
    private var nextID: UInt64 = 0
    private var stopping = false

    public init(
        configuration: HubConfiguration, closeTimeout: Duration = .seconds(5), writer: any StatusWriting, events: (any EventRecording)? = nil,
        metrics: HubMetrics, desired: @escaping DesiredSource, desiredSynced: @escaping @Sendable () async throws -> Void = {},
        logger: Logger
    ) {
        self.configuration = configuration
        self.closeTimeout = closeTimeout
        self.writer = writer
        self.events = events
        self.metrics = metrics
        self.desired = desired
        self.desiredSynced = desiredSynced
        self.logger = logger
    }

    /// The nodes with a connection.
    public var connectedNodes: [String] { connections.keys.sorted() }

    /// Serves an upgraded connection of `node` until it ends.
    func serve(node: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        guard await waitForDesired() else {
            let reason = Task.isCancelled ? "hub shutting down" : "hub starting: its caches have not synced yet"
            try? await outbound.close(.goingAway, reason: "goingAway: \(reason)")
            return
        }
        guard let (connection, previous) = register(node: node) else {
            try? await outbound.close(.goingAway, reason: "goingAway: hub shutting down")
            return
        }
        await previous?.close(ProtocolError(.replaced, "a newer connection of node \(node) replaced this one"))
        do {
            try await connection.run(inbound: inbound, outbound: outbound)
        } catch {
            unregister(connection)
            throw error
        }
        unregister(connection)
    }

    /// Whether the desired state synced within `helloTimeout` (the node's hello waits unread
    /// meanwhile); false when it did not or the connection's task was cancelled.
    private nonisolated func waitForDesired() async -> Bool {
        let synced = desiredSynced
        let timeout = configuration.helloTimeout
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await synced()) != nil }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Routes live changes to the nodes they are for.
    public func route(_ changes: [DesiredState.RoutedChange]) async {
        for routed in changes {
            metrics.routedChanges.increment()
            switch routed.audience {
            case .node(let node):
                await connections[node]?.desiredChanged(routed.change)
            case .allNodes:
                for connection in connections.values { await connection.desiredChanged(routed.change) }
            }
        }
    }

    /// Closes every connection with `goingAway` and refuses new ones.
    public func shutdown() async {
        stopping = true
        for connection in connections.values {
            await connection.close(ProtocolError(.goingAway, "hub shutting down"))
        }
    }

    private func register(node: String) -> (HubConnection, previous: HubConnection?)? {
        guard !stopping else { return nil }
        nextID += 1
        let connection = HubConnection(
            node: node, id: nextID, desired: desired(node), configuration: configuration, closeTimeout: closeTimeout,
            writer: writer, events: events, metrics: metrics, logger: logger)
        let previous = connections.updateValue(connection, forKey: node)
        metrics.connectedNodes.record(connections.count)
        logger.info("edge node connected", metadata: ["node": "\(node)", "connection": "\(connection.id)"])
        return (connection, previous)
    }

    private func unregister(_ connection: HubConnection) {
        guard connections[connection.node] === connection else { return }
        connections[connection.node] = nil
        metrics.connectedNodes.record(connections.count)
        logger.info("edge node disconnected", metadata: ["node": "\(connection.node)", "connection": "\(connection.id)"])
    }
}
