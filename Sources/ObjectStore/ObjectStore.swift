import Synchronization

/// The revisioned object store under the embedded API server, in kine's shape: one append-only
/// SQLite log whose row id is the revision (the Kubernetes resourceVersion), current state as
/// the newest row per key, compaction, one fan-out for watches.
///
/// - Reads (`get`, `list`) are served from memory and see exactly the committed writes: a write
///   is visible once acknowledged and never before its durable commit.
/// - Writes are serialized in one place and group-committed on SQLite's writer queue: each turn
///   takes every pending write (up to `maxBatchSize`), commits them in one transaction (one
///   fsync in `.durable` mode), applies them and acknowledges them (``GroupCommitter``). No
///   `SQLITE_BUSY` reaches a caller; a write is acknowledged only after its transaction committed.
/// - `makeValue`/`transform` callbacks run inside that serialized section: keep them cheap
///   (`statistics.callbackTime` shows their total cost).
/// - Watchers pull events from an in-memory cache of recent events, falling back to the SQLite
///   log for older, uncompacted revisions; events arrive in revision order, without gaps.
/// - The store starts no task by itself: call `compact()` on a timer, or run `runCompaction(every:)`.
package actor ObjectStore {
    let log: SQLiteLog
    let signal: RevisionSignal
    let options: StoreOptions
    let compactionPolicy: CompactionPolicy
    /// Commits the writes and owns the committed state every read sees (ObjectStore+Write.swift).
    let writer: GroupCommitter
    /// History at or below this revision may be gone; watches must start at `after >= compactRevision`.
    package internal(set) var compactRevision: Int64
    var closed = false
    var compacting = false

    /// Opens (or creates) the database at `path` (parent directories are created) and loads the
    /// current state into memory. Starts no task. `transformer` (encryption at rest) applies to
    /// the values in the file only.
    package init(
        path: String,
        durability: Durability = .durable,
        compaction: CompactionPolicy = .default,
        options: StoreOptions = StoreOptions(),
        transformer: (any StorageTransformer)? = nil
    ) throws {
        let log: SQLiteLog
        let snapshot: SQLiteLog.Snapshot
        do {
            log = try SQLiteLog(path: path, durability: durability, transformer: transformer)
            try log.configureCheckpoints(walLimit: options.walLimit)
            snapshot = try log.load()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.storage("opening \(path): \(error)")
        }
        self.log = log
        self.options = options
        compactionPolicy = compaction
        compactRevision = snapshot.compactRevision
        var index = ObjectIndex()
        for object in snapshot.objects { index.put(object) }
        let signal = RevisionSignal(revision: snapshot.currentRevision)
        self.signal = signal
        writer = GroupCommitter(log: log, signal: signal, options: options, committed: CommittedState(
            index: index,
            ring: EventRing(capacity: options.eventCacheCapacity, nextRevision: snapshot.currentRevision + 1),
            currentRevision: snapshot.currentRevision
        ))
    }

    /// The newest committed revision (0 for an empty store). Never decreases, also across restarts.
    package var currentRevision: Int64 { writer.committed.withLock { $0.currentRevision } }

    /// Counters for metrics and tests.
    package var statistics: StoreStatistics { writer.committed.withLock { $0.statistics } }

    /// Number of live objects.
    package var count: Int { writer.committed.withLock { $0.index.count } }

    /// The live object at `key`, if any.
    package func get(_ key: ObjectKey) -> StoredObject? {
        writer.committed.withLock { $0.index.get(key) }
    }

    /// Objects of `resource` (only `namespace` when non-nil), sorted by (namespace, name),
    /// strictly after `continueAfter`, at most `limit` (nil or <= 0: no limit); with the revision
    /// the list reflects and how many objects remain after the last one returned.
    ///
    /// Each page reflects the state at its own revision (pages are not a snapshot of the first one).
    package func list(
        resource: String, namespace: String? = nil, continueAfter: ObjectKey? = nil, limit: Int? = nil
    ) -> (items: [StoredObject], revision: Int64, remaining: Int) {
        writer.committed.withLock { state in
            let page = state.index.list(resource: resource, namespace: namespace, continueAfter: continueAfter, limit: limit)
            return (page.items, state.currentRevision, page.remaining)
        }
    }

    /// SQLite settings in force on the writer (`journal_mode`, `synchronous`,
    /// `wal_autocheckpoint`), for diagnostics and tests.
    package nonisolated func storageSettings() async throws -> (journalMode: String, synchronous: String, walAutocheckpoint: String) {
        do {
            let values = try await log.pragmas(["journal_mode", "synchronous", "wal_autocheckpoint"])
            return (values[0], values[1], values[2])
        } catch {
            throw StoreError.storage("\(error)")
        }
    }

    /// WAL checkpoints the store has run in the background since it opened.
    package var checkpointCount: Int { log.checkpointCount }

    /// Times the WAL was checkpointed and reset (started over; on close, truncated) since the store opened.
    package var walResetCount: Int { log.walResetCount }

    /// Rows currently in the SQLite log (history plus current rows), for metrics and tests.
    package func logRowCount() async throws -> Int {
        try await log.rowCount()
    }

    /// Stops accepting writes, waits for the writes already submitted to commit, ends every
    /// watch stream, returns the free pages and empties the WAL, and closes the database.
    /// Idempotent.
    package func close() async {
        closed = true
        await writer.close()
        if !signal.isClosed {
            signal.close()
            // A clean stop leaves the file at its used pages (the slack kept for reuse while
            // running goes back) and an empty WAL: the size at rest and the next start follow
            // the data, not the moment of the stop.
            _ = try? await log.releaseFreePages(keepFraction: 0, minimumKeptPages: 0)
            try? await log.truncateWAL()
            log.close()
        }
    }
}
