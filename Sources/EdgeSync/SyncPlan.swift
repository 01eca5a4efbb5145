/// The resync diff: exactly the deletes and upserts that make an edge holding `inventory` hold
/// `desired`.
///
/// Rules, per slot:
/// - same uid and resourceVersion: nothing;
/// - same uid, other resourceVersion: `upsert`;
/// - other uid (deleted and recreated in the cloud): `delete` of the old uid, then `upsert` of the
///   new object — explicit, so the edge releases what it kept for the old object (watchers,
///   pending reports) without having to infer it;
/// - only on the edge: `delete`; only desired: `upsert`.
///
/// All deletes come before all upserts, each group sorted by slot, so the plan is deterministic.
package struct SyncPlan: Hashable, Sendable {
    package var deletes: [ObjectRef]
    package var upserts: [SyncObject]

    package init(deletes: [ObjectRef] = [], upserts: [SyncObject] = []) {
        self.deletes = deletes
        self.upserts = upserts
    }

    package init(inventory: some Sequence<InventoryEntry>, desired: DesiredSet) {
        var deletes: [ObjectRef] = []
        var upserts: [SyncObject] = []
        var current: Set<SyncKey> = []
        for entry in inventory {
            guard let wanted = desired[entry.key], wanted.uid == entry.uid else {
                deletes.append(entry.ref)
                continue
            }
            // A slot listed twice with the same uid counts once; its rv decides.
            if wanted.resourceVersion == entry.resourceVersion { current.insert(entry.key) }
        }
        for (key, object) in desired.objects where !current.contains(key) {
            upserts.append(object)
        }
        self.deletes = Array(Set(deletes)).sorted()
        self.upserts = upserts.sorted { $0.key < $1.key }
    }

    /// The plan from one desired set to another: what an edge equal to `old` needs.
    package static func between(old: DesiredSet, new: DesiredSet) -> SyncPlan {
        SyncPlan(inventory: old.inventory, desired: new)
    }

    /// Deletes first, then upserts: the order to send them in.
    package var changes: [ObjectChange] { deletes.map { .delete($0) } + upserts.map { .upsert($0) } }

    package var isEmpty: Bool { deletes.isEmpty && upserts.isEmpty }
}
