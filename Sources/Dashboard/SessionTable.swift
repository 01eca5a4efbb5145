/// The dashboard's server-side sessions: a bounded table from random id to `Value`, pure (the
/// clock is passed in), so its rules are tested without sockets.
///
/// Invariants: at most `capacity` entries; an entry is found only while it was used within
/// `idleTimeout` and created within `absoluteTimeout`; inserting into a full table first drops
/// expired entries, then the least recently used one. Every dropped value is returned to the
/// caller (it owns resources such as an HTTP client that must be shut down).
struct SessionTable<Value, Instant: InstantProtocol> where Instant.Duration == Duration {
    struct Entry {
        var value: Value
        var created: Instant
        var lastUsed: Instant
    }

    let capacity: Int
    let idleTimeout: Duration
    let absoluteTimeout: Duration
    private(set) var entries: [String: Entry] = [:]

    init(capacity: Int, idleTimeout: Duration, absoluteTimeout: Duration) {
        self.capacity = max(1, capacity)
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    var count: Int { entries.count }

    /// Adds `value` under a new random id; returns the id and the values dropped to make room.
    mutating func insert(_ value: Value, now: Instant) -> (id: String, dropped: [Value]) {
        var dropped = sweep(now: now)
        if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            if let entry = entries.removeValue(forKey: oldest) { dropped.append(entry.value) }
        }
        var id = SecretID.make()
        while entries[id] != nil { id = SecretID.make() }
        entries[id] = Entry(value: value, created: now, lastUsed: now)
        return (id, dropped)
    }

    /// The value of a live session (and marks it used); an expired one is removed and returned in
    /// `expired`.
    mutating func lookup(_ id: String, now: Instant) -> (value: Value?, expired: Value?) {
        guard SecretID.isWellFormed(id), var entry = entries[id] else { return (nil, nil) }
        if isExpired(entry, now: now) {
            entries[id] = nil
            return (nil, entry.value)
        }
        entry.lastUsed = now
        entries[id] = entry
        return (entry.value, nil)
    }

    mutating func remove(_ id: String) -> Value? {
        entries.removeValue(forKey: id)?.value
    }

    /// Removes and returns every expired entry.
    mutating func sweep(now: Instant) -> [Value] {
        let expired = entries.filter { isExpired($0.value, now: now) }
        for key in expired.keys { entries[key] = nil }
        return expired.values.map(\.value)
    }

    /// Removes everything (shutdown).
    mutating func removeAll() -> [Value] {
        defer { entries = [:] }
        return entries.values.map(\.value)
    }

    private func isExpired(_ entry: Entry, now: Instant) -> Bool {
        entry.created.duration(to: now) >= absoluteTimeout || entry.lastUsed.duration(to: now) >= idleTimeout
    }
}
