package import EdgeAICore

/// Limits and timers of a hub session. Defaults suit a LAN-to-WAN edge fleet.
package struct HubConfiguration: Hashable, Sendable {
    /// The hub pings this often; announced to the edge in `welcome`.
    package var heartbeatInterval: Duration = .seconds(10)
    /// A ping unanswered this long closes the connection (`heartbeatTimeout`).
    package var heartbeatTimeout: Duration = .seconds(30)
    /// No `hello` this long after the connection opened closes it (`handshakeTimeout`); a
    /// connection that waited this long for the hub's caches to sync closes with `goingAway`.
    package var helloTimeout: Duration = .seconds(10)
    /// A change unacknowledged this long closes the connection (`ackTimeout`); the edge then
    /// reconnects and resyncs.
    package var ackTimeout: Duration = .seconds(60)
    /// The largest frame accepted from the edge; announced in `welcome`.
    package var maxFrameBytes: Int = WireCodec.defaultMaxFrameBytes
    /// Status writes per second this session may start, and the burst above it. Reports are
    /// coalesced per object first, so this bounds one node's share of the API's write rate
    /// (≈ 2,000/s embedded) without delaying an ordinary burst of file changes.
    package var statusWritesPerSecond: Double = 200
    package var statusWriteBurst: Int = 200
    /// Retry delays for a status write that failed transiently (no jitter: one object's retries).
    package var writeRetry = Backoff(initial: .milliseconds(200), maximum: .seconds(5), jitter: 0)
    /// After this many failed attempts a report is answered `retryLater` and dropped by the hub;
    /// the edge keeps it and sends it again.
    package var maxWriteAttempts: Int = 5
    /// When the hub writes EdgeNode status (grace period, heartbeat throttle).
    package var nodes = NodeStatusPolicy()
    /// Versions this hub speaks.
    package var supportedVersions: [ProtocolVersion] = ProtocolVersion.supported

    package init() {}
}
