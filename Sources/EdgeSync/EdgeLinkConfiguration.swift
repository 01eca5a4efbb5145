package import EdgeAICore

/// How an edge agent talks to the hub.
package struct EdgeLinkConfiguration: Hashable, Sendable {
    /// The node name the agent is configured with; a `welcome` naming another node closes the
    /// connection (`nodeMismatch`). Empty: accept whatever the hub authenticated.
    package var node: String
    /// The agent's build, sent in `hello`.
    package var agentVersion: String
    package var versions: [ProtocolVersion] = ProtocolVersion.supported
    /// Reconnect delays.
    package var backoff = Backoff()
    /// No `welcome` this long after connecting closes the connection (`handshakeTimeout`).
    package var handshakeTimeout: Duration = .seconds(15)
    /// The hub is presumed gone after this many heartbeat intervals without any frame.
    package var silenceIntervals: Int = 3
    /// A report answered `retryLater` is sent again after this delay.
    package var reportRetryDelay: Duration = .seconds(5)
    /// The largest frame accepted from the hub.
    package var maxFrameBytes: Int = WireCodec.defaultMaxFrameBytes

    package init(node: String, agentVersion: String) {
        self.node = node
        self.agentVersion = agentVersion
    }
}
