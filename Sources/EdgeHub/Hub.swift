package import EdgeAIAPI
import EdgeAIPKI
package import EdgeSync
import CoreMetrics
import HummingbirdWebSocket
import NIOWebSocket
import Synchronization
package import Logging

/// The hub's registry of edge connections: at most one per node, and the router of desired-state
/// changes to them.
///
/// A new connection for a node replaces the previous one (closed with `replaced`). A connection's
/// initial desired set is read from `desired` when it registers, on this actor, so it is ordered
/// with ``route(_:)``: a change already in the caches but not yet routed reaches the session
/// twice, which ``DesiredSet`` ignores. No connection registers before `desiredSynced` returns:
/// a resync against caches still listing would tell the node to delete what it holds and refuse
/// its reports. It does not authenticate: the node comes from the verified token.
package actor Hub {
    package typealias DesiredSource = @Sendable (String) -> DesiredSet

    let configuration: HubConfiguration
    let closeTimeout: Duration
    let writer: any StatusWriting
    let events: (any EventRecording)?
    let metrics: HubMetrics
    let logger: Logger
    /// Keeps the EdgeNodes' status; nil: no EdgeNodes (the hub alone, in tests).
    let nodes: NodeKeeper?
    /// The EdgeNode of a node, from the controller's cache; nil: every verified token is
    /// admitted (no EdgeNodes).
    let edgeNode: (@Sendable (String) -> EdgeNode?)?
    let adoptsLegacyNodes: Bool
    private let desired: DesiredSource
    private let desiredSynced: @Sendable () async throws -> Void
    private var connections: [String: HubConnection] = [:]
    private var nextID: UInt64 = 0
    private var stopping = false

    package init(
        configuration: HubConfiguration, closeTimeout: Duration = .seconds(5), writer: any StatusWriting, events: (any EventRecording)? = nil,
        metrics: HubMetrics, desired: @escaping DesiredSource, desiredSynced: @escaping @Sendable () async throws -> Void = {},
        nodes: NodeKeeper? = nil, edgeNode: (@Sendable (String) -> EdgeNode?)? = nil, adoptsLegacyNodes: Bool = false,
        logger: Logger
    ) {
        self.nodes = nodes
        self.edgeNode = edgeNode
        self.adoptsLegacyNodes = adoptsLegacyNodes
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
    package var connectedNodes: [String] { connections.keys.sorted() }

    package func isConnected(_ node: String) -> Bool { connections[node] != nil }

    /// Whether `identity` may connect now (``NodeAdmission``). A refusal is logged once and
    /// recorded as an Event on the EdgeNode; neither names the token.
    nonisolated func admit(_ identity: NodeIdentity, address: String?) -> Bool {
        guard let edgeNode else { return true }
        let decision = NodeAdmission.decide(
            node: identity.node, generation: identity.generation, edgeNode: edgeNode(identity.node), adoptsLegacyNodes: adoptsLegacyNodes)
        guard case .refuse(let reason) = decision else { return true }
        metrics.unauthorized.increment()
        logger.warning("edge connection refused: node token revoked", metadata: ["node": "\(identity.node)", "reason": "\(reason)", "remote": "\(address ?? "?")"])
        events?.record(.edgeNode(identity.node, type: "Warning", reason: "ConnectionRefused", message: "connection refused: \(reason)"))
        return false
    }

    /// Closes the connection of `node` if its token is no longer admitted by its (changed)
    /// EdgeNode: its generation moved on, or it is being deleted. Other nodes are untouched.
    package func reauthorize(_ node: String) async {
        guard let connection = connections[node], let current = edgeNode?(node) else { return }
        let decision = NodeAdmission.decide(
            node: node, generation: connection.generation, edgeNode: current, adoptsLegacyNodes: adoptsLegacyNodes)
        guard case .refuse(let reason) = decision else { return }
        logger.warning("edge connection revoked", metadata: ["node": "\(node)", "reason": "\(reason)"])
        events?.record(.edgeNode(node, type: "Warning", reason: "Revoked", message: "connection closed: \(reason)"))
        await connection.close(ProtocolError(.revoked, reason))
    }

    /// The EdgeNode of `node` was deleted: its connection ends at once, whatever its token.
    package func edgeNodeDeleted(_ node: String) async {
        guard let connection = connections[node] else { return }
        logger.warning("edge connection revoked", metadata: ["node": "\(node)", "reason": "EdgeNode deleted"])
        events?.record(.edgeNode(node, type: "Warning", reason: "Revoked", message: "connection closed: the EdgeNode was deleted"))
        await connection.close(ProtocolError(.revoked, "the EdgeNode of node \(node) was deleted"))
    }

    /// Serves an upgraded connection of `node` until it ends. The caller (``HubServer``) has
    /// admitted it after ``waitForDesired()`` returned true.
    func serve(
        node: String, generation: UInt64? = nil, address: String? = nil, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        // Only an adopted legacy node creates its EdgeNode; any other that lost its EdgeNode
        // since admission is closed by `edgeNodeDeleted` and never re-creates it.
        let createsEdgeNode = adoptsLegacyNodes && generation == nil && (edgeNode.map { $0(node) == nil } ?? false)
        guard let (connection, previous) = register(node: node, generation: generation, address: address) else {
            try? await outbound.close(.goingAway, reason: "goingAway: hub shutting down")
            return
        }
        await previous?.close(ProtocolError(.replaced, "a newer connection of node \(node) replaced this one"))
        await nodes?.connected(node, connection: connection.id, observation: NodeObservation(address: address), createsEdgeNode: createsEdgeNode)
        do {
            try await connection.run(inbound: inbound, outbound: outbound)
        } catch {
            await ended(connection)
            throw error
        }
        await ended(connection)
    }

    private func ended(_ connection: HubConnection) async {
        unregister(connection)
        await nodes?.disconnected(connection.node, connection: connection.id, silentFor: await connection.silence)
    }

    /// Connections waiting in ``waitForDesired()``.
    package nonisolated var connectionsWaitingForSync: Int { waiting.withLock { $0 } }
    private let waiting = Mutex(0)

    /// Whether the desired state (and the EdgeNode cache admission reads) synced within
    /// `helloTimeout`; false when it did not or the connection's task was cancelled.
    nonisolated func waitForDesired() async -> Bool {
        let synced = desiredSynced
        let timeout = configuration.helloTimeout
        waiting.withLock { $0 += 1 }
        defer { waiting.withLock { $0 -= 1 } }
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
    package func route(_ changes: [DesiredState.RoutedChange]) async {
        for routed in changes {
            metrics.routedChanges.increment()
            switch routed.audience {
            case .node(let node):
                await connections[node]?.desiredChanged(routed.change)
            case .allNodes:
                for connection in connections.values { await connection.desiredChanged(routed.change) }
            case .placed(let placement):
                for (node, connection) in connections where placement.matches(node, labels: labels(of: node)) {
                    await connection.desiredChanged(routed.change)
                }
            }
        }
    }

    /// The credentials of the nodes in `audiences` may have changed (a Secret, or an object
    /// naming one, changed): each such connected node's desired set is computed afresh and its
    /// Secrets brought in line, so a node holds exactly the Secrets its objects name.
    package func refreshCredentials(_ audiences: [DesiredState.Audience]) async {
        guard !audiences.isEmpty else { return }
        for (node, connection) in connections {
            let labels = labels(of: node)
            guard audiences.contains(where: { $0.includes(node, labels: labels) }) else { continue }
            await connection.credentialsChanged(to: desired(node))
        }
    }

    /// The labels of `node`'s EdgeNode (none without one).
    nonisolated func labels(of node: String) -> [String: String] {
        edgeNode?(node)?.metadata.labels ?? [:]
    }

    /// Closes every connection with `goingAway` and refuses new ones.
    package func shutdown() async {
        stopping = true
        for connection in connections.values {
            await connection.close(ProtocolError(.goingAway, "hub shutting down"))
        }
    }

    private func register(node: String, generation: UInt64?, address: String?) -> (HubConnection, previous: HubConnection?)? {
        guard !stopping else { return nil }
        nextID += 1
        let connection = HubConnection(
            node: node, id: nextID, generation: generation, desired: desired(node), configuration: configuration, closeTimeout: closeTimeout,
            writer: writer, events: events, metrics: metrics, nodes: nodes, address: address, logger: logger)
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
