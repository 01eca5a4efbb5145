/// When the hub writes EdgeNode status: the grace period before a silent node is offline, and
/// the budget that keeps heartbeats of a large fleet from becoming API writes.
///
/// Transitions (first connect, reconnect, offline) are written first and at once, within the
/// budget; a change of what a node holds at most every `minWriteInterval` per node; the
/// `lastHeartbeatTime` of a connected node is refreshed every `heartbeatRefreshInterval` only.
/// All of them share one token bucket, so the hub's EdgeNode writes never exceed
/// `writesPerSecond` whatever the fleet's size (10,000 nodes at a 60 s refresh need ≈ 167/s).
package struct NodeStatusPolicy: Hashable, Sendable {
    /// A node disconnected this long (without reconnecting) is `Offline`.
    package var offlineGracePeriod: Duration = .seconds(40)
    /// A connected node's `lastHeartbeatTime` is rewritten this often.
    package var heartbeatRefreshInterval: Duration = .seconds(60)
    /// At most one non-transition write per node this often.
    package var minWriteInterval: Duration = .seconds(10)
    /// The hub's EdgeNode status writes per second, and the burst above it.
    package var writesPerSecond: Double = 200
    package var writeBurst: Int = 200
    /// A failed write is retried after this long.
    package var retryDelay: Duration = .seconds(2)

    package init() {}
}
