public import EdgeAICore

/// How an edge agent talks to the hub.
public struct EdgeLinkConfiguration: Hashable, Sendable {
    /// The node name the agent is configured with; a `welcome` naming another node closes the
    /// connection (`nodeMismatch`). Empty: accept whatever the hub authenticated.
    public var node: String
    /// The agent's build, sent in `hello`.
    public var agentVersion: String
    public var versions: [ProtocolVersion] = ProtocolVersion.supported
    /// Reconnect delays.
    public var backoff = Backoff()
    /// No `welcome` this long after connecting closes the connection (`handshakeTimeout`).
    public var handshakeTimeout: Duration = .seconds(15)
    /// The hub is presumed gone after this many heartbeat intervals without any frame.
    public var silenceIntervals: Int = 3
    /// A report answered `retryLater` is sent again after this delay.
    public var reportRetryDelay: Duration = .seconds(5)
    /// The largest frame accepted from the hub.
    public var maxFrameBytes: Int = WireCodec.defaultMaxFrameBytes

    public init(node: String, agentVersion: String) {
        self.node = node
        self.agentVersion = agentVersion
    }
}
