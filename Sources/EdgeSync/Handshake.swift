/// The edge's first message: what it speaks and what it holds.
///
/// The shape of `hello` is frozen across protocol versions so that any hub can read it and
/// answer with a version (or an `unsupportedVersion` error). It carries no node name: the hub
/// takes the node's identity from the token the connection was authenticated with, only.
public struct Hello: Codable, Hashable, Sendable {
    /// Every protocol version the edge speaks.
    public var versions: [ProtocolVersion]
    /// The agent's build, for logs.
    public var agentVersion: String
    /// Everything the edge holds (datasets and models), one entry per slot.
    public var inventory: [InventoryEntry]

    public init(versions: [ProtocolVersion] = ProtocolVersion.supported, agentVersion: String, inventory: [InventoryEntry]) {
        self.versions = versions
        self.agentVersion = agentVersion
        self.inventory = inventory
    }
}

/// The hub's answer to `hello`: the version both sides now speak and the session's limits.
public struct Welcome: Codable, Hashable, Sendable {
    public var version: ProtocolVersion
    /// The node name the hub authenticated (from the token). An agent configured with another
    /// name closes the connection: it is misconfigured.
    public var nodeName: String
    /// How often the hub pings; the edge treats a hub silent for 3 intervals as gone.
    public var heartbeatIntervalMs: Int64
    /// The largest frame, in bytes, the hub accepts from this edge.
    public var maxFrameBytes: Int

    public init(version: ProtocolVersion, nodeName: String, heartbeatIntervalMs: Int64, maxFrameBytes: Int) {
        self.version = version
        self.nodeName = nodeName
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.maxFrameBytes = maxFrameBytes
    }

    public var heartbeatInterval: Duration { .milliseconds(heartbeatIntervalMs) }
}

/// An `error` message: a machine-readable code and a sentence for people. The sender closes the
/// connection after sending it.
public struct ErrorMessage: Codable, Hashable, Sendable, CustomStringConvertible {
    public var code: ProtocolError.Code
    public var message: String

    public init(code: ProtocolError.Code, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: ProtocolError) { self.init(code: error.code, message: error.message) }

    public var description: String { "\(code): \(message)" }
}
