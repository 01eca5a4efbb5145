/// What one edge node should hold: one object per slot.
///
/// A value: the hub keeps one per connected node and updates it with each routed change. It does
/// not decide which objects belong to a node; ``DesiredState`` does.
package struct DesiredSet: Hashable, Sendable {
    package private(set) var objects: [SyncKey: SyncObject]

    /// The objects, one per slot; when two share a slot the later one wins.
    package init(_ objects: some Sequence<SyncObject> = []) {
        var byKey: [SyncKey: SyncObject] = [:]
        for object in objects { byKey[object.key] = object }
        self.objects = byKey
    }

    package var count: Int { objects.count }
    package var isEmpty: Bool { objects.isEmpty }

    package subscript(key: SyncKey) -> SyncObject? { objects[key] }

    /// Whether this exact object (slot and uid) is desired.
    package func holds(_ ref: ObjectRef) -> Bool { objects[ref.key]?.uid == ref.uid }

    /// The set as an edge would report it, sorted.
    package var inventory: [InventoryEntry] { objects.values.map(\.entry).sorted() }

    /// The objects sorted by slot.
    package var sorted: [SyncObject] { objects.values.sorted { $0.key < $1.key } }

    /// The objects of one kind.
    package func only(_ kind: SyncKind) -> DesiredSet { DesiredSet(objects.values.filter { $0.kind == kind }) }

    /// The set without the objects of one kind.
    package func removingAll(_ kind: SyncKind) -> DesiredSet { DesiredSet(objects.values.filter { $0.kind != kind }) }

    /// The changes that make this set's objects of `kind` those of `target` (deletes first),
    /// leaving the other kinds alone. Pure: apply them with ``apply(_:)``.
    package func changes(toMatch target: DesiredSet, for kind: SyncKind) -> [ObjectChange] {
        let wanted = target.only(kind).objects
        let held = only(kind).objects
        let deletes = held.values.filter { wanted[$0.key]?.uid != $0.uid }.sorted { $0.key < $1.key }.map { ObjectChange.delete($0.ref) }
        let upserts = wanted.values.filter { object in
            guard let current = held[object.key] else { return true }
            return current.uid != object.uid || current.resourceVersion != object.resourceVersion
        }.sorted { $0.key < $1.key }.map(ObjectChange.upsert)
        return deletes + upserts
    }

    /// Applies one change and returns the messages that bring an edge holding the old set to the
    /// new one: nothing when the change is a duplicate (same uid and resourceVersion, or a delete
    /// of an object not held); `delete old` then `upsert new` when an upsert replaces another uid.
    package mutating func apply(_ change: ObjectChange) -> [ObjectChange] {
        switch change {
        case .upsert(let object):
            let current = objects[object.key]
            objects[object.key] = object
            guard let current else { return [change] }
            if current.uid != object.uid { return [.delete(current.ref), change] }
            return current.resourceVersion == object.resourceVersion ? [] : [change]
        case .delete(let ref):
            guard holds(ref) else { return [] }
            objects[ref.key] = nil
            return [change]
        }
    }
}
