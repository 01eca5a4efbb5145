import Foundation

/// A submitted write waiting for the group-commit leader.
struct PendingWrite: Sendable {
    let ticket: UInt64
    let operation: WriteOperation
}

/// Why a waiting writer was resumed.
enum WriterWake: Sendable {
    case finished(Result<StoredObject, any Error>)
    /// Leadership was handed over: commit the pending writes (this writer's included).
    case lead
}

extension ObjectStore {
    /// Creates the object at `key`. `makeValue` receives the revision the object will have
    /// (to embed as resourceVersion) and runs inside the serialized writer; if it throws, only
    /// this write fails. Throws `alreadyExists`, `tooLarge`, `invalidKey`, `closed`, `storage`.
    @discardableResult
    package func create(_ key: ObjectKey, makeValue: @escaping @Sendable (Int64) throws -> [UInt8]) async throws -> StoredObject {
        try await submit(.create(key, makeValue: makeValue))
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
        try await submit(.update(key, expectedRevision: expectedRevision, transform: transform))
    }

    /// Deletes the object at `key` and returns its last value carrying the delete's revision
    /// (as the `.deleted` event does). Throws `notFound`, or `conflict` on a stale `expectedRevision`.
    @discardableResult
    package func delete(_ key: ObjectKey, expectedRevision: Int64? = nil) async throws -> StoredObject {
        try await submit(.delete(key, expectedRevision: expectedRevision))
    }

    private func submit(_ operation: WriteOperation) async throws -> StoredObject {
        if closed { throw StoreError.closed }
        nextTicket += 1
        let ticket = nextTicket
        pending.append(PendingWrite(ticket: ticket, operation: operation))
        if writerActive {
            let wake = await withCheckedContinuation { waiters[ticket] = $0 }
            if case .finished(let result) = wake { return try result.get() }
        } else {
            writerActive = true
        }
        return try await lead(ticket).get()
    }

    /// Commits batches until the one holding `ticket` is done, then hands leadership to the
    /// oldest pending writer (or goes idle).
    private func lead(_ ticket: UInt64) async -> Result<StoredObject, any Error> {
        var mine: Result<StoredObject, any Error>?
        while mine == nil, !pending.isEmpty {
            let batch = Array(pending.prefix(options.maxBatchSize))
            pending.removeFirst(batch.count)
            let results = await commit(batch)
            for (write, result) in zip(batch, results) {
                if write.ticket == ticket {
                    mine = result
                } else {
                    waiters.removeValue(forKey: write.ticket)?.resume(returning: .finished(result))
                }
            }
        }
        if let next = pending.first, let waiter = waiters.removeValue(forKey: next.ticket) {
            waiter.resume(returning: .lead)
        } else {
            writerActive = false
            let idle = idleWaiters
            idleWaiters.removeAll()
            for waiter in idle { waiter.resume() }
        }
        return mine ?? .failure(StoreError.storage("write \(ticket) was lost by the writer"))
    }

    /// Plans `batch` against the committed state, commits its rows in one transaction, then
    /// applies them to memory and wakes watchers. Returns one result per write.
    private func commit(_ batch: [PendingWrite]) async -> [Result<StoredObject, any Error>] {
        let planner = BatchPlanner(
            maxValueSize: options.maxValueSize,
            timeMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded())
        )
        let plan = planner.plan(batch.map(\.operation), after: currentRevision) { index.get($0) }
        statistics.callbackTime += plan.callbackTime
        guard !plan.rows.isEmpty else { return plan.results }
        let started = ContinuousClock.now
        do {
            try await log.append(plan.rows)
        } catch {
            let failure = StoreError.storage("commit of revisions \(plan.rows[0].revision)...\(plan.lastRevision) failed: \(error)")
            return plan.results.map { result in
                if case .success = result { .failure(failure) } else { result }
            }
        }
        for event in plan.events {
            switch event.type {
            case .added, .modified: index.put(event.object)
            case .deleted: index.remove(event.object.key)
            }
            ring.append(event)
        }
        commitObserver?(ContinuousClock.now - started, plan.rows.count)
        currentRevision = plan.lastRevision
        statistics.transactions += 1
        statistics.committedWrites += plan.rows.count
        statistics.largestBatch = max(statistics.largestBatch, plan.rows.count)
        signal.publish(currentRevision)
        return plan.results
    }
}
