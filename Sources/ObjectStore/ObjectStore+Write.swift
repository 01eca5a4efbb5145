import Foundation
import GRDB
import Synchronization

extension ObjectStore {
    /// Creates the object at `key`. `makeValue` receives the revision the object will have
    /// (to embed as resourceVersion) and runs inside the serialized writer; if it throws, only
    /// this write fails. Throws `alreadyExists`, `tooLarge`, `invalidKey`, `closed`, `storage`.
    @discardableResult
    package func create(_ key: ObjectKey, makeValue: @escaping @Sendable (Int64) throws -> [UInt8]) async throws -> StoredObject {
        try await writer.submit(.create(key, makeValue: makeValue))
    }

    /// Replaces the object at `key` with `transform(current, newRevision)`, atomically: the
    /// current object is re-read inside the serialized writer. A nil result changes nothing and
    /// returns the current object without a new revision. With `expectedRevision`, throws
    /// `conflict` when the current revision differs. Throws `notFound` when there is no object.
    @discardableResult
    package func update(
        _ key: ObjectKey, expectedRevision: Int64? = nil,
        transform: @escaping @Sendable (StoredObject, Int64) throws -> [UInt8]?
    ) async throws -> StoredObject {
        try await writer.submit(.update(key, expectedRevision: expectedRevision, transform: transform))
    }

    /// Deletes the object at `key` and returns its last value carrying the delete's revision
    /// (as the `.deleted` event does). Throws `notFound`, or `conflict` on a stale `expectedRevision`.
    @discardableResult
    package func delete(_ key: ObjectKey, expectedRevision: Int64? = nil) async throws -> StoredObject {
        try await writer.submit(.delete(key, expectedRevision: expectedRevision))
    }
}

/// What readers see of the store: changed only by the writer, right after a commit, and
/// always as a whole batch (the objects, the recent events and the revision move together).
struct CommittedState: Sendable {
    var index = ObjectIndex()
    var ring: EventRing
    /// The newest committed revision (0 for an empty store). Never decreases, also across restarts.
    var currentRevision: Int64
    var statistics = StoreStatistics()
}

/// The store's one writer, group-committing on SQLite's writer queue.
///
/// Each turn of that queue takes the pending writes (up to `maxBatchSize`), plans them against
/// the committed state, commits them in one transaction (one fsync in `.durable` mode), applies
/// them to `committed`, resumes their callers, and queues the next turn if writes are waiting.
/// A turn holds one batch only, so a WAL reset queued between two batches runs between them.
/// No turn waits for an actor: callers are resumed straight from the writer queue.
///
/// Invariants: at most one turn is queued or running (`scheduled`), so only a turn changes
/// `committed`; a write is acknowledged only after its transaction committed and it is visible
/// in `committed`; `committed` is held only for memory work, never across I/O.
final class GroupCommitter: Sendable {
    private struct PendingWrite: Sendable {
        let operation: WriteOperation
        let continuation: CheckedContinuation<StoredObject, any Error>
    }

    private struct Queue: Sendable {
        var pending: [PendingWrite] = []
        var scheduled = false
        var closed = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var observer: (@Sendable (Duration, Int) -> Void)?
    }

    let committed: Mutex<CommittedState>
    private let queue = Mutex(Queue())
    private let log: SQLiteLog
    private let signal: RevisionSignal
    private let options: StoreOptions

    init(log: SQLiteLog, signal: RevisionSignal, options: StoreOptions, committed: CommittedState) {
        self.log = log
        self.signal = signal
        self.options = options
        self.committed = Mutex(committed)
    }

    /// Queues `operation` and returns its result once its batch committed. Not cancellable:
    /// once submitted, the write runs to its end. Throws `closed` after `close()`.
    func submit(_ operation: WriteOperation) async throws -> StoredObject {
        try await withCheckedThrowingContinuation { continuation in
            let start = queue.withLock { queue -> Bool? in
                if queue.closed { return nil }
                queue.pending.append(PendingWrite(operation: operation, continuation: continuation))
                if queue.scheduled { return false }
                queue.scheduled = true
                return true
            }
            switch start {
            case nil: continuation.resume(throwing: StoreError.closed)
            case true?: scheduleTurn()
            case false?: break
            }
        }
    }

    /// Told the duration (the SQLite transaction with its fsync) and row count of each commit.
    func observeCommits(_ observer: (@Sendable (Duration, Int) -> Void)?) {
        queue.withLock { $0.observer = observer }
    }

    /// Refuses new writes and returns once the writes already submitted are answered.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = queue.withLock { queue in
                queue.closed = true
                if !queue.scheduled { return true }
                queue.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func scheduleTurn() {
        log.onWriter { db in self.turn(db) }
    }

    private func turn(_ db: Database) {
        let (batch, observer) = queue.withLock { queue in
            let batch = Array(queue.pending.prefix(options.maxBatchSize))
            queue.pending.removeFirst(batch.count)
            return (batch, queue.observer)
        }
        let results = commit(batch.map(\.operation), db, observer: observer)
        for (write, result) in zip(batch, results) {
            write.continuation.resume(with: result)
        }
        let idle = queue.withLock { queue -> [CheckedContinuation<Void, Never>]? in
            guard queue.pending.isEmpty else { return nil }
            queue.scheduled = false
            defer { queue.idleWaiters.removeAll() }
            return queue.idleWaiters
        }
        guard let idle else {
            scheduleTurn()
            return
        }
        for waiter in idle { waiter.resume() }
    }

    /// Plans `operations` against the committed state, commits their rows in one transaction,
    /// then applies them to `committed` and wakes watchers. Returns one result per operation.
    private func commit(
        _ operations: [WriteOperation], _ db: Database, observer: (@Sendable (Duration, Int) -> Void)?
    ) -> [Result<StoredObject, any Error>] {
        // Only a turn changes `committed` (one at a time), so this stays current until applied.
        let (revision, current) = committed.withLock { state in
            var current: [ObjectKey: StoredObject] = [:]
            for operation in operations {
                current[operation.key] = state.index.get(operation.key)
            }
            return (state.currentRevision, current)
        }
        let planner = BatchPlanner(
            maxValueSize: options.maxValueSize,
            timeMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded())
        )
        let plan = planner.plan(operations, after: revision) { current[$0] }
        guard !plan.rows.isEmpty else {
            committed.withLock { $0.statistics.callbackTime += plan.callbackTime }
            return plan.results
        }
        let started = ContinuousClock.now
        do {
            try log.append(plan.rows, in: db)
        } catch {
            let failure = StoreError.storage("commit of revisions \(plan.rows[0].revision)...\(plan.lastRevision) failed: \(error)")
            return plan.results.map { result in
                if case .success = result { .failure(failure) } else { result }
            }
        }
        let elapsed = ContinuousClock.now - started
        committed.withLock { state in
            for event in plan.events {
                switch event.type {
                case .added, .modified: state.index.put(event.object)
                case .deleted: state.index.remove(event.object.key)
                }
                state.ring.append(event)
            }
            state.currentRevision = plan.lastRevision
            state.statistics.callbackTime += plan.callbackTime
            state.statistics.transactions += 1
            state.statistics.committedWrites += plan.rows.count
            state.statistics.largestBatch = max(state.statistics.largestBatch, plan.rows.count)
        }
        observer?(elapsed, plan.rows.count)
        signal.publish(plan.lastRevision)
        log.checkpointIfDue()
        return plan.results
    }
}
