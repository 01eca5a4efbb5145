/// How a write is made durable before it is acknowledged.
public enum Durability: Sendable, Equatable {
    /// `synchronous=FULL` in WAL mode: every commit is fsynced, as etcd does. Survives power loss.
    case durable
    /// `synchronous=NORMAL` in WAL mode: survives a process crash (`kill -9`), not power loss.
    case processCrashSafe
}

/// How much history compaction keeps: at least `minRetainedRevisions` revisions AND at least
/// `minRetainedDuration` of history (whichever keeps more).
public struct CompactionPolicy: Sendable, Equatable {
    public var minRetainedRevisions: Int64
    public var minRetainedDuration: Duration

    /// - Precondition: `minRetainedRevisions >= 1` (the newest revision is never compacted, so
    ///   the revision counter survives a restart).
    public init(minRetainedRevisions: Int64, minRetainedDuration: Duration) {
        precondition(minRetainedRevisions >= 1, "minRetainedRevisions must be at least 1")
        self.minRetainedRevisions = minRetainedRevisions
        self.minRetainedDuration = minRetainedDuration
    }

    /// Keep at least 1000 revisions and at least 5 minutes.
    public static let `default` = CompactionPolicy(minRetainedRevisions: 1000, minRetainedDuration: .seconds(300))
}

/// Tunables with safe defaults.
public struct StoreOptions: Sendable, Equatable {
    /// Largest accepted value in bytes; larger writes fail with `StoreError.tooLarge`.
    public var maxValueSize: Int
    /// Recent events kept in memory for watchers; older ones are read from the SQLite log.
    public var eventCacheCapacity: Int
    /// Most writes committed in one transaction (the rest wait for the next one).
    public var maxBatchSize: Int

    public init(maxValueSize: Int = 3 * 1024 * 1024, eventCacheCapacity: Int = 8192, maxBatchSize: Int = 1024) {
        precondition(maxValueSize > 0 && eventCacheCapacity > 0 && maxBatchSize > 0)
        self.maxValueSize = maxValueSize
        self.eventCacheCapacity = eventCacheCapacity
        self.maxBatchSize = maxBatchSize
    }
}

/// Counters for metrics and tests. Monotonic since `init`.
public struct StoreStatistics: Sendable, Equatable {
    /// SQLite transactions that committed writes (one per group commit).
    public var transactions: Int = 0
    /// Writes that produced a new revision.
    public var committedWrites: Int = 0
    /// Largest number of writes committed in one transaction.
    public var largestBatch: Int = 0
    /// Time spent in `makeValue`/`transform` callbacks (they run serialized: keep them cheap).
    public var callbackTime: Duration = .zero
    /// Event reads that had to go to the SQLite log because the in-memory cache was passed.
    public var logReads: Int = 0
    /// Compactions that deleted history.
    public var compactions: Int = 0

    public init() {}
}
