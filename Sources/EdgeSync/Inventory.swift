/// What an edge node holds, and the rules by which it applies changes (the edge's side of
/// idempotency).
///
/// - `upsert` stores the object unless the slot already holds the same uid and resourceVersion;
///   a different uid in the slot is replaced.
/// - `delete` removes the slot's object only when it has the named uid.
///
/// Applying a change twice is the same as applying it once. It does not order messages: a stale
/// upsert arriving after a newer one would win here, which is why ``EdgeLink`` drops changes
/// whose `seq` is older than the last one applied to the same slot.
package struct Inventory: Hashable, Sendable {
    package private(set) var entries: [SyncKey: InventoryEntry]

    package init(_ entries: some Sequence<InventoryEntry> = []) {
        var byKey: [SyncKey: InventoryEntry] = [:]
        for entry in entries { byKey[entry.key] = entry }
        self.entries = byKey
    }

    /// What applying a change does to a slot.
    package enum Effect: Hashable, Sendable {
        /// Store the object; `replaced` is the entry it overwrites (another rv, or another uid).
        case store(replaced: InventoryEntry?)
        /// Remove this entry.
        case remove(InventoryEntry)
        /// Nothing to do: a duplicate, or a delete of something not held.
        case unchanged
    }

    /// The effect of `change` on a slot currently holding `current`. The rule the agent's
    /// persistent store applies, one slot at a time.
    package static func effect(of change: ObjectChange, current: InventoryEntry?) -> Effect {
        switch change {
        case .upsert(let object):
            if let current, current.uid == object.uid, current.resourceVersion == object.resourceVersion { return .unchanged }
            return .store(replaced: current)
        case .delete(let ref):
            guard let current, current.uid == ref.uid else { return .unchanged }
            return .remove(current)
        }
    }

    package var sorted: [InventoryEntry] { entries.values.sorted() }

    /// Applies `change` and returns its effect.
    @discardableResult
    package mutating func apply(_ change: ObjectChange) -> Effect {
        let effect = Self.effect(of: change, current: entries[change.key])
        switch (effect, change) {
        case (.store, .upsert(let object)): entries[object.key] = object.entry
        case (.remove(let entry), _): entries[entry.key] = nil
        default: break
        }
        return effect
    }
}
