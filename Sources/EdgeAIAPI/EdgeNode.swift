/// An edge node as the cloud knows it (`EdgeNode`, `edgeai.io/v1alpha1`, cluster-scoped).
///
/// Created by `edgeai node add` or by the hub when the node first connects. Operators own its
/// metadata (labels such as `site=factory-3`, which Models select on); the hub writes only its
/// status, through the status subresource.
public struct EdgeNode: KubernetesObject {
    public static let resourceType = ResourceType(
        group: EdgeAIGroup.name, version: EdgeAIGroup.version, kind: "EdgeNode", plural: "edgenodes", namespaced: false)

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: EdgeNodeSpec
    public var status: EdgeNodeStatus?

    public init(metadata: ObjectMeta, spec: EdgeNodeSpec = EdgeNodeSpec(), status: EdgeNodeStatus? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct EdgeNodeSpec: Codable, Sendable, Hashable {
    /// The generation of the only node token the hub accepts for this node (`edgeai node add`
    /// sets it and issues a token for it; `edgeai node revoke` moves it on without issuing one).
    /// Absent: the node's token of the original, generation-less form is accepted.
    public var tokenGeneration: Int64?

    public init(tokenGeneration: Int64? = nil) {
        self.tokenGeneration = tokenGeneration
    }
}

/// What the hub observed about the node. Written only by the hub, through `/status`.
public struct EdgeNodeStatus: Codable, Sendable, Hashable {
    /// ``EdgeNodePhase``: `Pending` (never connected), `Online`, `Offline` (past the grace period).
    public var phase: String?
    /// `Ready`: True while connected; Unknown with reason `NodeOffline` once the node has been
    /// silent past the grace period, its `lastTransitionTime` the moment it went silent.
    public var conditions: [Condition]?
    /// The last heartbeat the hub recorded (throttled: see the hub's write budget).
    public var lastHeartbeatTime: Time?
    /// The agent's self-reported build.
    public var agentVersion: String?
    /// How many datasets and models the node holds.
    public var datasets: Int64?
    public var models: Int64?
    /// Status reports the node sent that the hub has not yet answered (its outbox, as seen by the hub).
    public var outboxDepth: Int64?
    /// The address the node's connection came from (`host:port`).
    public var address: String?

    public init(
        phase: String? = nil, conditions: [Condition]? = nil, lastHeartbeatTime: Time? = nil, agentVersion: String? = nil,
        datasets: Int64? = nil, models: Int64? = nil, outboxDepth: Int64? = nil, address: String? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.lastHeartbeatTime = lastHeartbeatTime
        self.agentVersion = agentVersion
        self.datasets = datasets
        self.models = models
        self.outboxDepth = outboxDepth
        self.address = address
    }
}

/// The values of ``EdgeNodeStatus/phase`` (the STATUS column).
public enum EdgeNodePhase: String, Sendable, CaseIterable, Codable {
    case pending = "Pending"
    case online = "Online"
    case offline = "Offline"
}

/// Condition types and reasons about edge nodes, on EdgeNodes and on the Datasets they hold.
public enum EdgeNodeConditions {
    /// On an EdgeNode: whether it is connected.
    public static let ready = "Ready"
    /// On a Dataset: whether its node is reachable (absent while it is).
    public static let nodeReachable = "NodeReachable"
    /// The node has been silent past the grace period.
    public static let nodeOffline = "NodeOffline"
    /// The node has never connected to the hub.
    public static let nodeNeverConnected = "NodeNeverConnected"
    /// Connected.
    public static let connected = "Connected"
}
