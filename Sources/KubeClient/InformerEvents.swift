public import EdgeAIAPI
import Synchronization

/// An ``Informer``'s events for its one consumer, in the order its cache applied them, with a
/// bounded queue.
///
/// While fewer than `limit` events wait, every event is delivered as it happened. Past that, a new
/// event for an object that already has one waiting is merged into it, so the consumer sees one
/// transition from the state it last saw to the newest (added then updated is added; added then
/// deleted is nothing; updated then updated is one update from the first old state; updated then
/// deleted is deleted with the state the consumer last saw). A delete followed by a re-create is
/// never merged. The queue therefore holds at most `limit` plus two events per object, and a
/// consumer that replays what it receives still converges on the cache, however far behind it is.
public struct InformerEvents<Object: KubernetesObject>: AsyncSequence, Sendable {
    let queue: InformerEventQueue<Object>

    public func makeAsyncIterator() -> Iterator { Iterator(queue: queue) }

    public struct Iterator: AsyncIteratorProtocol {
        let queue: InformerEventQueue<Object>

        /// The next event; `nil` once the informer stopped and the queue is drained, or when the
        /// waiting task is cancelled.
        public mutating func next() async -> InformerEvent<Object>? { await queue.next() }
    }
}

/// The queue behind ``InformerEvents``: pure bookkeeping under one lock.
final class InformerEventQueue<Object: KubernetesObject>: Sendable {
    struct State {
        /// Waiting events; merged-away entries are `nil`. `head` is the next to deliver.
        var events: [InformerEvent<Object>?] = []
        var head = 0
        var count = 0
        /// Index in `events` of the newest waiting event per object.
        var newest: [ObjectKeyName: Int] = [:]
        var waiter: CheckedContinuation<InformerEvent<Object>?, Never>?
        var finished = false
        var merged = 0
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Events merged away so far (metrics, tests).
    var mergedCount: Int { state.withLock { $0.merged } }

    /// Events waiting now.
    var waitingCount: Int { state.withLock { $0.count } }

    func push(_ event: InformerEvent<Object>) {
        let delivery: (CheckedContinuation<InformerEvent<Object>?, Never>, InformerEvent<Object>)? = state.withLock { s in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return (waiter, event)
            }
            let key = event.object.key
            if s.count >= limit, let index = s.newest[key], let pending = s.events[index] {
                s.merged += 1
                switch Self.merge(pending, event) {
                case .replace(let merged):
                    s.events[index] = merged
                    return nil
                case .cancel:
                    s.events[index] = nil
                    s.newest[key] = nil
                    s.count -= 1
                    return nil
                case .keepBoth:
                    s.merged -= 1
                }
            }
            s.events.append(event)
            s.newest[key] = s.events.count - 1
            s.count += 1
            return nil
        }
        if let (waiter, event) = delivery { waiter.resume(returning: event) }
    }

    /// Ends the sequence once the waiting events are delivered.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<InformerEvent<Object>?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    func next() async -> InformerEvent<Object>? {
        if let ready = state.withLock({ s in Self.pop(&s) }) { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<InformerEvent<Object>?, Never>) in
                let immediate: InformerEvent<Object>?? = state.withLock { s in
                    if let event = Self.pop(&s) { return .some(event) }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<InformerEvent<Object>?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    private static func pop(_ s: inout State) -> InformerEvent<Object>? {
        while s.head < s.events.count {
            let index = s.head
            s.head += 1
            guard let event = s.events[index] else { continue }
            s.count -= 1
            if s.newest[event.object.key] == index { s.newest[event.object.key] = nil }
            compactIfDrained(&s)
            return event
        }
        compactIfDrained(&s)
        return nil
    }

    /// Reuses the array once everything before `head` is delivered.
    private static func compactIfDrained(_ s: inout State) {
        if s.count == 0 {
            s.events.removeAll(keepingCapacity: s.events.count <= 1024)
            s.head = 0
            s.newest.removeAll(keepingCapacity: true)
        } else if s.head > 4096, s.head * 2 > s.events.count {
            s.events.removeFirst(s.head)
            s.newest = s.newest.mapValues { $0 - s.head }
            s.head = 0
        }
    }

    enum Merge: Equatable {
        case replace(InformerEvent<Object>)
        case cancel
        case keepBoth
    }

    /// `later` following `pending` for the same object, as one transition. Pure.
    static func merge(_ pending: InformerEvent<Object>, _ later: InformerEvent<Object>) -> Merge {
        switch (pending, later) {
        case (.added, .updated(_, let new)): .replace(.added(new))
        case (.added, .deleted): .cancel
        case (.updated(let old, _), .updated(_, let new)): .replace(.updated(old: old, new: new))
        case (.updated(let old, _), .deleted): .replace(.deleted(old))
        default: .keepBoth
        }
    }
}
