/// The edge's first message: what it speaks and what it holds.
///
/// The shape of `hello` is frozen across protocol versions so that any hub can read it and
/// answer with a version (or an `unsupportedVersion` error). It carries no node name: the hub
/// takes the node's identity from the token the connection was authenticated with, only.
package struct Hello: Codable, Hashable, Sendable {
    /// Every protocol version the edge speaks.
    package var versions: [ProtocolVersion]
    /// The agent's build, for logs.
    package var agentVersion: String
    /// Everything the edge holds (datasets and models), one entry per slot.
    package var inventory: [InventoryEntry]

    package init(versions: [ProtocolVersion] = ProtocolVersion.supported, agentVersion: String, inventory: [InventoryEntry]) {
        self.versions = versions
        self.agentVersion = agentVersion
        self.inventory = inventory
    }
}

/// The hub's answer to `hello`: the version both sides now speak and the session's limits.
package struct Welcome: Codable, Hashable, Sendable {
    package var version: ProtocolVersion
    /// The node name the hub authenticated (from the token). An agent configured with another
    /// name closes the connection: it is misconfigured.
    package var nodeName: String
    /// How often the hub pings; the edge treats a hub silent for 3 intervals as gone.
    package var heartbeatIntervalMs: Int64
    /// The largest frame, in bytes, the hub accepts from this edge.
    package var maxFrameBytes: Int

    package init(version: ProtocolVersion, nodeName: String, heartbeatIntervalMs: Int64, maxFrameBytes: Int) {
        self.version = version
        self.nodeName = nodeName
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.maxFrameBytes = maxFrameBytes
    }

    package var heartbeatInterval: Duration { .milliseconds(heartbeatIntervalMs) }
}

/// An `error` message: a machine-readable code and a sentence for people. The sender closes the
/// connection after sending it.
package struct ErrorMessage: Codable, Hashable, Sendable, CustomStringConvertible {
    package var code: ProtocolError.Code
    package var message: String

    package init(code: ProtocolError.Code, message: String) {
        self.code = code
        self.message = message
    }

    package init(_ error: ProtocolError) { self.init(code: error.code, message: error.message) }

    package var description: String { "\(code): \(message)" }
}
