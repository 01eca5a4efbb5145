import Synchronization

/// Wakes watchers when the committed revision advances or the store closes.
///
/// A waiter never misses a wake-up: `wait(beyond:)` returns at once when the revision already
/// passed. It does not carry events; woken watchers fetch them.
final class RevisionSignal: Sendable {
    private struct State {
        var revision: Int64
        var closed = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state: Mutex<State>

    init(revision: Int64) {
        state = Mutex(State(revision: revision))
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Records the newly committed `revision` and wakes every waiter.
    func publish(_ revision: Int64) {
        let waiters = state.withLock { state in
            state.revision = max(state.revision, revision)
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll(keepingCapacity: true)
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Marks the signal closed and wakes every waiter; later waits return at once.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the revision is beyond `revision`, the signal is closed, or the task is cancelled.
    func wait(beyond revision: Int64) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.revision > revision || state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
