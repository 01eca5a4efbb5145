import Synchronization

/// Whether the dataset monitor is making progress, for the agent's `/healthz` (a liveness
/// probe restarts a stalled agent).
///
/// Stalled means either: the monitor actor has not run its periodic tick for ``limit`` (it is
/// wedged), or looks are waiting in the scan pool and none has started, finished or read a
/// buffer for ``limit`` (every worker is stuck and no replacement is left). An idle monitor
/// (nothing to look at) is healthy. Thread-safe; reads only counters.
package final class MonitorHealth: Sendable {
    private let lastTick = Atomic<Int64>(ScanPool.Heartbeat.nowNanoseconds())
    let pool: ScanPool
    /// How long without progress counts as stalled.
    package let limit: Duration

    init(pool: ScanPool, limit: Duration) {
        self.pool = pool
        self.limit = limit
    }

    func monitorTicked() { lastTick.store(ScanPool.Heartbeat.nowNanoseconds(), ordering: .relaxed) }

    /// Nil when healthy; otherwise why not (one line, no paths).
    package func problem() -> String? {
        let now = ScanPool.Heartbeat.nowNanoseconds()
        let limit = ScanPool.nanoseconds(limit)
        let sinceTick = now - lastTick.load(ordering: .relaxed)
        if sinceTick > limit {
            return "the dataset monitor has not run for \(sinceTick / 1_000_000_000) s"
        }
        let pool = pool.snapshot
        if pool.busy + pool.queued > 0, pool.sinceProgress > limit {
            return "no scan progress for \(pool.sinceProgress / 1_000_000_000) s with \(pool.busy + pool.queued) looks waiting"
                + " (\(pool.writtenOff) scan workers stuck)"
        }
        return nil
    }
}
