/// How a write is made durable before it is acknowledged.
package enum Durability: Sendable, Equatable {
    /// `synchronous=FULL` in WAL mode: every commit is fsynced, as etcd does. Survives power loss.
    case durable
    /// `synchronous=NORMAL` in WAL mode: survives a process crash (`kill -9`), not power loss.
    case processCrashSafe
}

/// How much history compaction keeps: at least `minRetainedRevisions` revisions AND at least
/// `minRetainedDuration` of history (whichever keeps more), but never more than
/// `maxRetainedRevisions` revisions, so the disk holds to the live data however fast writes come.
package struct CompactionPolicy: Sendable, Equatable {
    package var minRetainedRevisions: Int64
    package var minRetainedDuration: Duration
    /// History beyond this many revisions is compacted even if younger than `minRetainedDuration`.
    package var maxRetainedRevisions: Int64

    /// - Precondition: `1 <= minRetainedRevisions <= maxRetainedRevisions` (the newest revision
    ///   is never compacted, so the revision counter survives a restart).
    package init(minRetainedRevisions: Int64, minRetainedDuration: Duration, maxRetainedRevisions: Int64 = 50_000) {
        precondition(minRetainedRevisions >= 1, "minRetainedRevisions must be at least 1")
        precondition(maxRetainedRevisions >= minRetainedRevisions, "maxRetainedRevisions must be at least minRetainedRevisions")
        self.minRetainedRevisions = minRetainedRevisions
        self.minRetainedDuration = minRetainedDuration
        self.maxRetainedRevisions = maxRetainedRevisions
    }

    /// Keep at least 1000 revisions and at least 5 minutes, at most 50,000 revisions (six times
    /// the default event cache: a watcher that far behind re-lists, as after an etcd compaction).
    package static let `default` = CompactionPolicy(minRetainedRevisions: 1000, minRetainedDuration: .seconds(300))

    /// Whether history passed the cap by a quarter of it, so a compaction is due now rather than
    /// at the next interval (compacting in steps of a quarter window keeps each one short).
    func isOverCap(current: Int64, compacted: Int64) -> Bool {
        current - compacted > maxRetainedRevisions + maxRetainedRevisions / 4
    }
}

/// Tunables with safe defaults.
package struct StoreOptions: Sendable, Equatable {
    /// Largest accepted value in bytes; larger writes fail with `StoreError.tooLarge`.
    package var maxValueSize: Int
    /// Recent events kept in memory for watchers; older ones are read from the SQLite log.
    package var eventCacheCapacity: Int
    /// Most writes committed in one transaction (the rest wait for the next one).
    package var maxBatchSize: Int
    /// WAL size in bytes above which it is checkpointed and reset between two commits (and cut back to it).
    package var walLimit: Int64

    package static let defaultWALLimit: Int64 = 32 * 1024 * 1024

    package init(
        maxValueSize: Int = 3 * 1024 * 1024, eventCacheCapacity: Int = 8192, maxBatchSize: Int = 1024,
        walLimit: Int64 = StoreOptions.defaultWALLimit
    ) {
        precondition(maxValueSize > 0 && eventCacheCapacity > 0 && maxBatchSize > 0 && walLimit > 0)
        self.maxValueSize = maxValueSize
        self.eventCacheCapacity = eventCacheCapacity
        self.maxBatchSize = maxBatchSize
        self.walLimit = walLimit
    }
}

/// Counters for metrics and tests. Monotonic since `init`.
package struct StoreStatistics: Sendable, Equatable {
    /// SQLite transactions that committed writes (one per group commit).
    package var transactions: Int = 0
    /// Writes that produced a new revision.
    package var committedWrites: Int = 0
    /// Largest number of writes committed in one transaction.
    package var largestBatch: Int = 0
    /// Time spent in `makeValue`/`transform` callbacks (they run serialized: keep them cheap).
    package var callbackTime: Duration = .zero
    /// Event reads that had to go to the SQLite log because the in-memory cache was passed.
    package var logReads: Int = 0
    /// Compactions that deleted history.
    package var compactions: Int = 0
    /// Log rows deleted by compactions.
    package var compactedRows: Int = 0
    /// Database pages returned to the file system by incremental vacuum.
    package var releasedPages: Int = 0

    package init() {}
}
