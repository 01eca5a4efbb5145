import EdgeAIAPI
import EdgeSync
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DesiredStateTests {
    let datasets = [
        dataset("a1", node: "A"), dataset("a2", namespace: "team", node: "A"), dataset("b1", node: "B"), dataset("none", node: ""),
    ]
    let models = [model("resnet"), model("bert", namespace: "nlp")]

    @Test func aNodeGetsItsDatasetsAndEveryModel() {
        let a = DesiredState.forNode("A", datasets: datasets, models: models)
        #expect(Set(a.objects.keys.map(\.description)) == ["Dataset default/a1", "Dataset team/a2", "Model default/resnet", "Model nlp/bert"])
        let c = DesiredState.forNode("C", datasets: datasets, models: models)
        #expect(c.objects.keys.allSatisfy { $0.kind == .model } && c.count == 2)
    }

    @Test func byNodeAgreesWithForNode() {
        let all = DesiredState.byNode(datasets: datasets, models: models, nodes: ["A", "B", "C"])
        for node in ["A", "B", "C"] {
            #expect(all[node] == DesiredState.forNode(node, datasets: datasets, models: models))
        }
        #expect(all[""] == nil)
    }

    @Test func objectsBeingDeletedOrIncompleteAreDesiredNowhere() {
        var deleting = dataset("gone", node: "A")
        deleting.metadata.deletionTimestamp = Time(rfc3339: "2026-01-01T00:00:00Z")
        var noUID = dataset("nouid", node: "A")
        noUID.metadata.uid = nil
        var noRV = model("norv")
        noRV.metadata.resourceVersion = ""
        let a = DesiredState.forNode("A", datasets: [deleting, noUID], models: [noRV])
        #expect(a.isEmpty)
    }

    @Test func createUpdateAndDeleteReachOnlyTheDatasetsNode() {
        let v1 = dataset("d", node: "A", rv: "1")
        let v2 = dataset("d", node: "A", rv: "2")
        #expect(DesiredState.changes(old: nil, new: v1) == [.init(audience: .node("A"), change: .upsert(.dataset(v1)))])
        #expect(DesiredState.changes(old: v1, new: v2) == [.init(audience: .node("A"), change: .upsert(.dataset(v2)))])
        #expect(DesiredState.changes(old: v2, new: v2).isEmpty, "a duplicate event changes nothing")
        #expect(DesiredState.changes(old: v2, new: nil) == [.init(audience: .node("A"), change: .delete(SyncObject.dataset(v2).ref))])
    }

    @Test func aMovedDatasetIsDeletedFromTheOldNodeAndUpsertedOnTheNew() {
        let onA = dataset("d", node: "A", rv: "1")
        let onB = dataset("d", node: "B", rv: "2")
        let changes = DesiredState.changes(old: onA, new: onB)
        #expect(changes == [
            .init(audience: .node("A"), change: .delete(SyncObject.dataset(onA).ref)),
            .init(audience: .node("B"), change: .upsert(.dataset(onB))),
        ])
    }

    @Test func recreatedWithANewUIDIsDeleteThenUpsert() {
        let old = dataset("d", node: "A", uid: "u1", rv: "1")
        let new = dataset("d", node: "A", uid: "u2", rv: "5")
        let changes = DesiredState.changes(old: old, new: new).map(\.change)
        #expect(changes == [.delete(SyncObject.dataset(old).ref), .upsert(.dataset(new))])
    }

    @Test func startingDeletionOrClearingTheNodeIsADelete() {
        let live = dataset("d", node: "A", rv: "1")
        var deleting = dataset("d", node: "A", rv: "2")
        deleting.metadata.deletionTimestamp = Time(rfc3339: "2026-01-01T00:00:00Z")
        #expect(DesiredState.changes(old: live, new: deleting).map(\.change) == [.delete(SyncObject.dataset(live).ref)])
        #expect(DesiredState.changes(old: deleting, new: nil).isEmpty)
        let unassigned = dataset("d", node: "", rv: "3")
        #expect(DesiredState.changes(old: live, new: unassigned).map(\.change) == [.delete(SyncObject.dataset(live).ref)])
    }

    @Test func modelChangesGoToAllNodes() {
        let v1 = model("m", rv: "1")
        let v2 = model("m", rv: "2")
        #expect(DesiredState.changes(old: v1, new: v2) == [.init(audience: .allNodes, change: .upsert(.model(v2)))])
        #expect(DesiredState.Audience.allNodes.includes("anything"))
        #expect(!DesiredState.Audience.node("A").includes("B"))
    }

    @Test func desiredSetApplyReturnsOnlyWhatTheEdgeNeeds() {
        var set = DesiredSet([.dataset(dataset("d", node: "A", uid: "u1", rv: "1"))])
        let same = SyncObject.dataset(dataset("d", node: "A", uid: "u1", rv: "1"))
        #expect(set.apply(.upsert(same)).isEmpty)
        let recreated = SyncObject.dataset(dataset("d", node: "A", uid: "u2", rv: "4"))
        #expect(set.apply(.upsert(recreated)) == [.delete(same.ref), .upsert(recreated)])
        #expect(set.apply(.delete(same.ref)).isEmpty, "a delete of the old uid does not remove the new object")
        #expect(set.holds(recreated.ref))
        #expect(set.apply(.delete(recreated.ref)) == [.delete(recreated.ref)])
        #expect(set.isEmpty)
    }
}
