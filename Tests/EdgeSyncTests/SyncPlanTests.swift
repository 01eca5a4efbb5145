import EdgeAIAPI
import EdgeSync
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct SyncPlanTests {
    func entry(_ object: SyncObject) -> InventoryEntry { object.entry }

    @Test func sameUIDAndVersionNeedsNothing() {
        let d = SyncObject.dataset(dataset("d", node: "A", rv: "3"))
        let plan = SyncPlan(inventory: [d.entry], desired: DesiredSet([d]))
        #expect(plan.isEmpty)
    }

    @Test func anotherVersionIsAnUpsert() {
        let old = SyncObject.dataset(dataset("d", node: "A", rv: "3"))
        let new = SyncObject.dataset(dataset("d", node: "A", rv: "4"))
        let plan = SyncPlan(inventory: [old.entry], desired: DesiredSet([new]))
        #expect(plan == SyncPlan(deletes: [], upserts: [new]))
    }

    @Test func anotherUIDIsDeleteOldThenUpsertNew() {
        let old = SyncObject.dataset(dataset("d", node: "A", uid: "u1", rv: "3"))
        let new = SyncObject.dataset(dataset("d", node: "A", uid: "u2", rv: "3"))
        let plan = SyncPlan(inventory: [old.entry], desired: DesiredSet([new]))
        #expect(plan.changes == [.delete(old.ref), .upsert(new)])
    }

    @Test func edgeOnlyIsDeletedAndDesiredOnlyIsUpserted() {
        let orphan = SyncObject.model(model("old"))
        let wanted = SyncObject.model(model("new"))
        let plan = SyncPlan(inventory: [orphan.entry], desired: DesiredSet([wanted]))
        #expect(plan.changes == [.delete(orphan.ref), .upsert(wanted)])
    }

    @Test func planIsSortedAndDeterministic() {
        let desired = DesiredSet((0..<20).map { SyncObject.dataset(dataset("d\($0)", node: "A")) })
        let plan = SyncPlan(inventory: [], desired: desired)
        #expect(plan.upserts.map(\.key) == plan.upserts.map(\.key).sorted())
        #expect(plan == SyncPlan(inventory: [], desired: desired))
    }

    /// A small universe of slots, uids, versions and nodes, so collisions are frequent.
    static func object(_ code: Int) -> SyncObject {
        let slot = code % 8
        let uid = "u\((code / 8) % 3)"
        let rv = "\((code / 24) % 3)"
        let node = ["A", "B", "C"][(code / 72) % 3]
        let name = "o\(slot % 4)"
        let namespace = slot < 4 ? "x" : "y"
        return slot % 3 == 0
            ? .model(model(name, namespace: namespace, uid: uid, rv: rv))
            : .dataset(dataset(name, namespace: namespace, node: node, uid: uid, rv: rv))
    }

    @Test func applyingThePlanAlwaysYieldsTheDesiredSet() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...215).array(of: 0...12), Gen.int(in: 0...215).array(of: 0...12)) { held, wanted in
            let inventory = Inventory(held.map { Self.object($0).entry })
            let desired = DesiredState.forNode(
                "A", datasets: wanted.compactMap { if case .dataset(let d) = Self.object($0) { d } else { nil } },
                models: wanted.compactMap { if case .model(let m) = Self.object($0) { m } else { nil } })
            let plan = SyncPlan(inventory: inventory.sorted, desired: desired)
            var edge = inventory
            for change in plan.changes { edge.apply(change) }
            #expect(edge == Inventory(desired.inventory))
            // Minimal: nothing already right is touched; every change does something.
            let right = Set(inventory.sorted).intersection(desired.inventory)
            #expect(plan.upserts.allSatisfy { !right.contains($0.entry) })
            #expect(plan.deletes.allSatisfy { ref in !right.contains { $0.ref == ref } })
            var replay = inventory
            for change in plan.changes { #expect(replay.apply(change) != .unchanged, "\(change) was a no-op") }
            // Idempotent: the plan applied twice is the plan applied once; the next plan is empty.
            for change in plan.changes { edge.apply(change) }
            #expect(edge == Inventory(desired.inventory))
            #expect(SyncPlan(inventory: edge.sorted, desired: desired).isEmpty)
        }
    }

    @Test func liveChangesKeepEveryNodeEqualToItsDesiredSet() async {
        // Any sequence of cache events, routed by DesiredState.changes and applied to each
        // node's DesiredSet, gives the same sets as recomputing from the final caches.
        await propertyCheck(count: 300, input: Gen.int(in: -8...215).array(of: 0...30)) { events in
            var cache: [SyncKey: SyncObject] = [:]
            var sets: [String: DesiredSet] = ["A": DesiredSet(), "B": DesiredSet(), "C": DesiredSet()]
            var edges: [String: Inventory] = ["A": Inventory(), "B": Inventory(), "C": Inventory()]
            for event in events {
                let new: SyncObject? = event < 0 ? nil : Self.object(event)
                let key = new?.key ?? Self.object(-event - 1).key
                let old = cache[key]
                cache[key] = new
                for routed in DesiredState.changes(old: old, new: new) {
                    for node in sets.keys where routed.audience.includes(node) {
                        for message in sets[node]!.apply(routed.change) { edges[node]!.apply(message) }
                    }
                }
            }
            let datasets = cache.values.compactMap { if case .dataset(let d) = $0 { d } else { nil } }
            let models = cache.values.compactMap { if case .model(let m) = $0 { m } else { nil } }
            for node in ["A", "B", "C"] {
                let expected = DesiredState.forNode(node, datasets: datasets, models: models)
                #expect(sets[node] == expected)
                #expect(edges[node] == Inventory(expected.inventory))
            }
        }
    }

    @Test func inventoryRulesAreIdempotent() {
        var inventory = Inventory()
        let v1 = SyncObject.dataset(dataset("d", node: "A", uid: "u1", rv: "1"))
        #expect(inventory.apply(.upsert(v1)) == .store(replaced: nil))
        #expect(inventory.apply(.upsert(v1)) == .unchanged)
        let v2 = SyncObject.dataset(dataset("d", node: "A", uid: "u2", rv: "1"))
        #expect(inventory.apply(.upsert(v2)) == .store(replaced: v1.entry))
        #expect(inventory.apply(.delete(v1.ref)) == .unchanged, "a stale delete keeps the recreated object")
        #expect(inventory.apply(.delete(v2.ref)) == .remove(v2.entry))
        #expect(inventory.apply(.delete(v2.ref)) == .unchanged)
    }
}
