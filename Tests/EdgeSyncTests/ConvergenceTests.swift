import EdgeAIAPI
import EdgeSync
import Testing

/// Hub session and edge link together, through the codec, as the real hub and agent use them.
@Suite(.timeLimit(.minutes(5)))
struct ConvergenceTests {
    @Test func aFreshNodeReceivesItsDatasetsAndModels() {
        let datasets = [dataset("a", node: "A"), dataset("b", node: "B")]
        let models = [model("m")]
        let desired = DesiredState.forNode("A", datasets: datasets, models: models)
        var h = Harness(node: "A", desired: desired)
        h.connect(desired: desired)
        #expect(h.store == Inventory(desired.inventory))
        #expect(h.hub.state == .live && h.link.state == .live)
        #expect(h.hubLog.contains(.resynced(upserts: 2, deletes: 0, duration: .zero)))
    }

    @Test func aNodeOfflineWhileItsDatasetsAreEditedAndDeletedConverges() {
        var datasets = [dataset("keep", node: "A"), dataset("edit", node: "A"), dataset("drop", node: "A"), dataset("recreate", node: "A", uid: "u1")]
        var models = [model("m1"), model("m2")]
        let before = DesiredState.forNode("A", datasets: datasets, models: models)
        var h = Harness(node: "A", desired: before)
        h.connect(desired: before)
        #expect(h.store == Inventory(before.inventory))

        h.disconnect()
        // While A is away: an edit, a delete, a recreate with a new uid, a move away, a move in,
        // a new model, a deleted model.
        datasets[1] = dataset("edit", node: "A", rv: "9", dataUrl: "/data/new.txt")
        datasets.remove(at: 2)
        datasets[2] = dataset("recreate", node: "A", uid: "u2", rv: "10")
        datasets[0] = dataset("keep", node: "B", rv: "11")
        datasets.append(dataset("arrive", node: "A", rv: "12"))
        models = [model("m2"), model("m3", rv: "13")]
        let after = DesiredState.forNode("A", datasets: datasets, models: models)

        h.connect(desired: after)
        #expect(h.store == Inventory(after.inventory), "no orphans, nothing missing")
        #expect(h.objects[SyncKey(kind: .dataset, namespace: "default", name: "edit")]?.metadata.resourceVersion == "9")
        if case .dataset(let edited)? = h.objects[SyncKey(kind: .dataset, namespace: "default", name: "edit")] {
            #expect(edited.spec.dataUrl == "/data/new.txt")
        } else {
            Issue.record("edited dataset missing")
        }
        #expect(h.store.entries[SyncKey(kind: .dataset, namespace: "default", name: "recreate")]?.uid == "u2")
        #expect(h.link.state == .live)
    }

    @Test func liveChangesReachExactlyTheRightNodes() {
        let desiredA = DesiredState.forNode("A", datasets: [], models: [])
        var a = Harness(node: "A", desired: desiredA)
        var b = Harness(node: "B", desired: desiredA)
        a.connect(desired: desiredA)
        b.connect(desired: desiredA)
        let created = SyncObject.dataset(dataset("d", node: "A", rv: "1"))
        let updated = SyncObject.dataset(dataset("d", node: "A", rv: "2"))
        let moved = SyncObject.dataset(dataset("d", node: "B", rv: "3"))
        for (old, new) in [(nil, created), (created, updated), (updated, moved)] as [(SyncObject?, SyncObject?)] {
            a.event(old: old, new: new)
            b.event(old: old, new: new)
        }
        #expect(a.store.entries.isEmpty, "moved away: forgotten on A")
        #expect(b.store.sorted == [moved.entry])
        a.event(old: moved, new: nil)
        b.event(old: moved, new: nil)
        #expect(b.store.entries.isEmpty)
        #expect(a.hub.unackedCount == 0 && b.hub.unackedCount == 0)
    }

    @Test func duplicatedFramesAreHarmless() {
        let desired = DesiredState.forNode("A", datasets: [dataset("x", node: "A"), dataset("y", node: "A")], models: [model("m")])
        var h = Harness(node: "A", desired: desired)
        h.handleEdge(h.link.start(now: h.now))
        h.handleEdge(h.link.connected(inventory: [], now: h.now))
        // Deliver every frame twice, in both directions.
        var rounds = 0
        while !h.toEdge.isEmpty || !h.toHub.isEmpty || !h.writes.isEmpty, rounds < 1_000 {
            rounds += 1
            if let frame = h.toEdge.first {
                h.toEdge.removeFirst()
                h.handleEdge(h.link.receive(frame: frame, now: h.now))
                if (try? WireCodec.decodeCloudToEdge(frame))?.type != "welcome" {
                    h.handleEdge(h.link.receive(frame: frame, now: h.now))
                }
            } else if let frame = h.toHub.first {
                h.toHub.removeFirst()
                h.handleHub(h.hub.receive(frame: frame, now: h.now))
                if (try? WireCodec.decodeEdgeToCloud(frame))?.type != "hello" {
                    h.handleHub(h.hub.receive(frame: frame, now: h.now))
                }
            } else {
                let write = h.writes.removeFirst()
                h.handleHub(h.hub.writeCompleted(write.id, outcome: .applied, now: h.now))
                h.handleHub(h.hub.writeCompleted(write.id, outcome: .applied, now: h.now))
            }
        }
        #expect(h.store == Inventory(desired.inventory))
        #expect(h.hub.state == .live && h.link.state == .live)
        #expect(h.hubLog.closeError == nil)
    }

    @Test func reorderedChangesForOneObjectKeepTheNewest() {
        let desired = DesiredState.forNode("A", datasets: [], models: [])
        var h = Harness(node: "A", desired: desired)
        h.connect(desired: desired)
        let v1 = SyncObject.dataset(dataset("d", node: "A", rv: "1"))
        let v2 = SyncObject.dataset(dataset("d", node: "A", rv: "2"))
        h.handleHub(h.hub.desiredChanged(.upsert(v1), now: h.now))
        h.handleHub(h.hub.desiredChanged(.upsert(v2), now: h.now))
        h.handleHub(h.hub.desiredChanged(.delete(v2.ref), now: h.now))
        h.handleHub(h.hub.desiredChanged(.upsert(v1), now: h.now))
        #expect(h.toEdge.count == 4)
        // Deliver in reverse: the newest (upsert v1, seq 4) first; the older ones are dropped.
        h.toEdge.reverse()
        h.run()
        #expect(h.store.sorted == [v1.entry])
        #expect(h.hub.unackedCount == 0, "every change acknowledged, stale ones included")
    }

    @Test func statusReportsFlowUpAndLeaveTheOutboxOnlyWhenWritten() {
        let mine = dataset("mine", node: "A")
        let desired = DesiredState.forNode("A", datasets: [mine, dataset("theirs", node: "B")], models: [])
        var h = Harness(node: "A", desired: desired)
        h.writeOutcome = { _ in .failed(reason: "API unavailable") }
        h.connect(desired: desired)
        h.handleEdge(h.link.report(datasetReport("r1", mine, samples: 7), now: h.now))
        h.run()
        #expect(h.link.outbox.count == 1, "a failing write keeps the report on the edge")
        // The connection drops; the API recovers; on reconnect the outbox is sent again.
        h.disconnect()
        h.writeOutcome = { _ in .applied }
        h.connect(desired: desired)
        #expect(h.link.outbox.isEmpty)
        #expect(h.edgeLog.contains(.removeReport(reportID: "r1", outcome: .applied)))
        // A report about another node's dataset is refused and removed, never written.
        let forged = datasetReport("r2", dataset("theirs", node: "B"))
        var written: [StatusWrite] = []
        h.writeOutcome = { written.append($0); return .applied }
        h.handleEdge(h.link.report(forged, now: h.now))
        h.run()
        #expect(written.isEmpty)
        #expect(h.link.outbox.isEmpty)
        #expect(h.hub.refusedCount == 1)
    }
}
