/// When the hub writes EdgeNode status: the grace period before a silent node is offline, and
/// the budget that keeps heartbeats of a large fleet from becoming API writes.
///
/// Two budgets (token buckets). Transitions (first connect, reconnect, offline: a change of
/// phase or of the `Ready` status) are written first, from ``transitionWritesPerSecond`` with a
/// burst of ``transitionBurst``, so a whole fleet going offline at once is written as fast as
/// the API takes it rather than at the steady rate (10,000 at 200/s would be 50 s past the grace
/// period); when that budget is spent they fall back to the steady one. Everything else — a change
/// of what a node holds (at most every `minWriteInterval` per node) and the `lastHeartbeatTime`
/// refresh of a connected node (every `heartbeatRefreshInterval`) — comes from
/// ``writesPerSecond`` only, so steady-state writes never exceed it whatever the fleet's size
/// (10,000 nodes at a 60 s refresh need ≈ 167/s). Sustained, the hub writes at most
/// `writesPerSecond + transitionWritesPerSecond` (700/s by default, under the ≈ 900 status
/// patches/s a real kube-apiserver took here); a burst of transitions is bounded by
/// `transitionBurst`.
package struct NodeStatusPolicy: Hashable, Sendable {
    /// A node disconnected this long (without reconnecting) is `Offline`.
    package var offlineGracePeriod: Duration = .seconds(40)
    /// A connected node's `lastHeartbeatTime` is rewritten this often.
    package var heartbeatRefreshInterval: Duration = .seconds(60)
    /// At most one non-transition write per node this often.
    package var minWriteInterval: Duration = .seconds(10)
    /// The steady budget: changes and heartbeat refreshes per second, and its burst.
    package var writesPerSecond: Double = 200
    package var writeBurst: Int = 200
    /// The refill rate and burst of the transitions' budget (above the steady one).
    package var transitionWritesPerSecond: Double = 500
    package var transitionBurst: Int = 10_000
    /// A failed write is retried after this long.
    package var retryDelay: Duration = .seconds(2)

    package init() {}
}
