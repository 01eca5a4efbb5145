import Synchronization

extension ObjectStore {
    /// Events with revision > `after` for `resource` (only `namespace` when non-nil), in revision
    /// order, without gaps or duplicates. Throws `compacted` (before yielding anything) when
    /// `after < compactRevision`, `closed` when closed.
    ///
    /// The stream ends when the consumer stops iterating (or its task is cancelled) or the store
    /// closes; it fails with `compacted` if the consumer falls so far behind that compaction
    /// passes it. A slow consumer never blocks writers or other watchers: nothing is buffered
    /// per watcher, it reads from the shared cache of recent events or from the SQLite log.
    package func watch(resource: String, namespace: String? = nil, after: Int64) throws -> AsyncThrowingStream<StoreEvent, any Error> {
        if closed { throw StoreError.closed }
        if after < compactRevision {
            throw StoreError.compacted(requested: after, oldestAvailable: compactRevision)
        }
        let cursor = WatchCursor(
            store: self, log: log, signal: signal,
            filter: WatchFilter(resource: resource, namespace: namespace), after: after
        )
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    /// The next events for a cursor positioned at `after`.
    func fetchEvents(_ filter: WatchFilter, after: Int64, limit: Int) -> FetchResult {
        if closed { return .closed }
        return writer.committed.withLock { state in
            if after >= state.currentRevision { return .upToDate }
            guard state.ring.covers(after: after) else { return .inLog(through: state.ring.firstRevision - 1) }
            let scan = state.ring.events(after: after, limit: limit) { filter.matches($0.object.key) }
            return .events(scan.events, through: scan.scannedThrough)
        }
    }

    func countLogRead() {
        writer.committed.withLock { $0.statistics.logReads += 1 }
    }
}
