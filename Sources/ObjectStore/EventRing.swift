/// The most recent committed events, in revision order, in a fixed-capacity circular buffer.
///
/// Invariant: the ring holds the contiguous revisions `firstRevision ..< firstRevision + count`,
/// and the newest is the store's current revision. Pure value type, no I/O.
struct EventRing {
    private var slots: [StoreEvent?]
    private var head = 0
    private(set) var count = 0
    /// Revision of the oldest event held (or the next revision when empty).
    private(set) var firstRevision: Int64

    /// An empty ring whose next event will have revision `nextRevision`.
    init(capacity: Int, nextRevision: Int64) {
        precondition(capacity > 0)
        slots = Array(repeating: nil, count: capacity)
        firstRevision = nextRevision
    }

    var capacity: Int { slots.count }

    /// Appends the next event, evicting the oldest when full.
    /// - Precondition: `event.revision == firstRevision + count`.
    mutating func append(_ event: StoreEvent) {
        precondition(event.revision == firstRevision + Int64(count), "events must be contiguous")
        if count == slots.count {
            slots[head] = event
            head = (head + 1) % slots.count
            firstRevision += 1
        } else {
            slots[(head + count) % slots.count] = event
            count += 1
        }
    }

    /// Whether every event after `revision` is held (`revision + 1 >= firstRevision`).
    func covers(after revision: Int64) -> Bool {
        revision + 1 >= firstRevision
    }

    /// Events after `revision` that satisfy `filter`, at most `limit`, and the revision the scan
    /// reached (the next scan continues after it).
    /// - Precondition: `covers(after: revision)`.
    func events(
        after revision: Int64, limit: Int, where filter: (StoreEvent) -> Bool
    ) -> (events: [StoreEvent], scannedThrough: Int64) {
        precondition(covers(after: revision))
        var result: [StoreEvent] = []
        var offset = Int(max(revision + 1 - firstRevision, 0))
        var scanned = revision
        while offset < count, result.count < limit {
            if let event = slots[(head + offset) % slots.count] {
                if filter(event) { result.append(event) }
                scanned = event.revision
            }
            offset += 1
        }
        return (result, max(scanned, revision))
    }
}
