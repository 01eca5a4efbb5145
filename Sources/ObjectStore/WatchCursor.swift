import Synchronization

/// One watcher's position in the event history; it pulls events, so a slow consumer holds no
/// buffer and never blocks writers or other watchers: it only falls back from the in-memory
/// cache to the SQLite log, and ends with `StoreError.compacted` if compaction passes it.
///
/// - Important: `next()` must not be called concurrently (the stream's iterator calls it serially).
final class WatchCursor: Sendable {
    private struct State {
        var after: Int64
        var buffer: [StoreEvent] = []
        var index = 0
    }

    private let store: ObjectStore
    private let log: SQLiteLog
    private let signal: RevisionSignal
    private let filter: WatchFilter
    private let batchSize: Int
    private let state: Mutex<State>

    init(store: ObjectStore, log: SQLiteLog, signal: RevisionSignal, filter: WatchFilter, after: Int64, batchSize: Int = 256) {
        self.store = store
        self.log = log
        self.signal = signal
        self.filter = filter
        self.batchSize = batchSize
        state = Mutex(State(after: after))
    }

    /// The next matching event, or nil when the store closed or the task was cancelled.
    func next() async throws -> StoreEvent? {
        while true {
            if let event = popBuffered() { return event }
            if Task.isCancelled { return nil }
            let after = state.withLock { $0.after }
            switch await store.fetchEvents(filter, after: after, limit: batchSize) {
            case .closed:
                return nil
            case .events(let events, let through):
                refill(events, through: through)
            case .upToDate:
                await signal.wait(beyond: after)
            case .inLog(let through):
                let events: [StoreEvent]
                do {
                    events = try await log.events(filter, after: after, through: through, limit: batchSize)
                } catch let error as StoreError {
                    throw error
                } catch {
                    if signal.isClosed { return nil }
                    throw StoreError.storage("reading events after \(after): \(error)")
                }
                let reached = events.count == batchSize ? (events.last?.revision ?? through) : through
                await store.countLogRead()
                refill(events, through: reached)
            }
        }
    }

    private func popBuffered() -> StoreEvent? {
        state.withLock { state in
            guard state.index < state.buffer.count else { return nil }
            let event = state.buffer[state.index]
            state.index += 1
            return event
        }
    }

    private func refill(_ events: [StoreEvent], through: Int64) {
        state.withLock { state in
            state.buffer = events
            state.index = 0
            state.after = max(state.after, through)
        }
    }
}

/// What the store tells a cursor asking for events after a revision.
enum FetchResult: Sendable {
    /// Matching events from the in-memory cache, and the revision the scan reached.
    case events([StoreEvent], through: Int64)
    /// Nothing newer yet: wait for the signal.
    case upToDate
    /// The cache no longer holds the next events: read the log up to `through`.
    case inLog(through: Int64)
    case closed
}
