import EdgeAIAPI
import EdgeAICore
import EdgeSync
import Testing

@Suite(.timeLimit(.minutes(5)))
struct HubSessionTests {
    let t0 = Instant.now
    let mine = dataset("mine", node: "A", rv: "2")
    let theirs = dataset("theirs", node: "B", rv: "1")

    func session(_ configure: (inout HubConfiguration) -> Void = { _ in }) -> HubSession<Instant> {
        var configuration = HubConfiguration()
        configure(&configuration)
        let desired = DesiredState.forNode("A", datasets: [mine, theirs], models: [model("m")])
        return HubSession(node: "A", desired: desired, configuration: configuration, now: t0)
    }

    /// A session past the handshake, with the edge holding nothing, resync acknowledged.
    func liveSession(_ configure: (inout HubConfiguration) -> Void = { _ in }) -> HubSession<Instant> {
        var hub = session(configure)
        let sent = hub.receive(.hello(Hello(agentVersion: "t", inventory: [])), now: t0).sent
        for message in sent { if let seq = message.seq { _ = hub.receive(.ack(seq: seq), now: t0) } }
        return hub
    }

    @Test func helloIsAnsweredWithWelcomeTheResyncAndResyncDone() {
        var hub = session()
        let stale = InventoryEntry(kind: .dataset, namespace: "default", name: "mine", uid: "uid-default-mine", resourceVersion: "1")
        let orphan = InventoryEntry(kind: .dataset, namespace: "default", name: "moved", uid: "u-x", resourceVersion: "1")
        let actions = hub.receive(.hello(Hello(agentVersion: "0.1", inventory: [stale, orphan])), now: t0)
        let sent = actions.sent
        #expect(sent.first == .welcome(Welcome(version: .v2, nodeName: "A", heartbeatIntervalMs: 10_000, maxFrameBytes: WireCodec.defaultMaxFrameBytes)))
        #expect(sent.dropFirst().first?.deletedRef == orphan.ref)
        #expect(Set(sent.compactMap(\.upsertedObject).map(\.key.name)) == ["mine", "m"])
        #expect(sent.last == .resyncDone(seq: 4))
        #expect(sent.compactMap(\.seq) == [1, 2, 3, 4])
        #expect(hub.state == .resyncing)
        #expect(hub.unackedCount == 4)
        for seq in 1...3 { #expect(hub.receive(.ack(seq: UInt64(seq)), now: t0).isEmpty) }
        let done = hub.receive(.ack(seq: 4), now: t0.advanced(by: .milliseconds(30)))
        #expect(done == [.resynced(upserts: 2, deletes: 1, duration: .milliseconds(30))])
        #expect(hub.state == .live)
        #expect(hub.agentVersion == "0.1")
    }

    /// A dataset new to the node is announced once, when the edge acknowledges it: not an update
    /// of one it holds, not a model, not a duplicate ack; again after a delete and recreate.
    @Test func aDatasetNewToTheNodeIsAnnouncedOnceOnItsAck() throws {
        var hub = session()
        let held = InventoryEntry(kind: .dataset, namespace: "default", name: "mine", uid: "uid-default-mine", resourceVersion: "1")
        let resync = hub.receive(.hello(Hello(agentVersion: "t", inventory: [held])), now: t0).sent
        // The resync updates "mine" (held, older rv) and brings the model: nothing is new.
        var announced: [ObjectRef] = []
        for seq in resync.compactMap(\.seq) { announced += hub.receive(.ack(seq: seq), now: t0).deliveries }
        #expect(announced.isEmpty)
        #expect(hub.state == .live)

        let fresh = dataset("fresh", node: "A")
        let sent = hub.desiredChanged(.upsert(.dataset(fresh)), now: t0).sent
        let seq = try #require(sent.first?.seq)
        #expect(hub.receive(.ack(seq: seq), now: t0).deliveries == [SyncObject.dataset(fresh).ref])
        #expect(hub.receive(.ack(seq: seq), now: t0).isEmpty, "a duplicate ack announces nothing")

        // An update of a dataset the node holds, and a new model: not announced.
        let updated = hub.desiredChanged(.upsert(.dataset(dataset("fresh", node: "A", rv: "7"))), now: t0).sent
        let newModel = hub.desiredChanged(.upsert(.model(model("m2"))), now: t0).sent
        for seq in (updated + newModel).compactMap(\.seq) { #expect(hub.receive(.ack(seq: seq), now: t0).isEmpty) }

        // Deleted and recreated under the same name: a new uid, so new to the node.
        let recreated = dataset("fresh", node: "A", uid: "uid-second", rv: "9")
        let replaced = hub.desiredChanged(.upsert(.dataset(recreated)), now: t0).sent
        #expect(replaced.count == 2, "delete of the old uid, upsert of the new one")
        announced = []
        for seq in replaced.compactMap(\.seq) { announced += hub.receive(.ack(seq: seq), now: t0).deliveries }
        #expect(announced == [SyncObject.dataset(recreated).ref])
    }

    @Test func anythingBeforeHelloIsAProtocolViolation() {
        var hub = session()
        let actions = hub.receive(.ack(seq: 1), now: t0)
        #expect(actions.closeError?.code == .protocolViolation)
        #expect(actions.sent.first == .error(ErrorMessage(code: .protocolViolation, message: "expected hello as the first message, got ack")))
        #expect(hub.state == .closed)
        #expect(hub.receive(.hello(Hello(agentVersion: "t", inventory: [])), now: t0).isEmpty, "closed sessions ignore input")
    }

    @Test func noCommonVersionIsRefused() {
        var hub = session()
        let actions = hub.receive(.hello(Hello(versions: [ProtocolVersion(9)], agentVersion: "t", inventory: [])), now: t0)
        #expect(actions.closeError == ProtocolError(.unsupportedVersion, "edge offered [v9], hub speaks [v1, v2]"))
        #expect(actions.closeError?.closeCode == 4002)
    }

    @Test func malformedAndOversizedFramesClose() {
        var hub = session { $0.maxFrameBytes = 64 }
        #expect(hub.receive(frame: Array("{nope".utf8), now: t0).closeError?.code == .malformedFrame)
        var big = session { $0.maxFrameBytes = 64 }
        let frame = WireCodec.encode(EdgeToCloud.hello(Hello(agentVersion: String(repeating: "x", count: 100), inventory: [])))
        let actions = big.receive(frame: frame, now: t0)
        #expect(actions.closeError?.code == .frameTooLarge)
        #expect(big.state == .closed)
    }

    @Test func helloTwiceCloses() {
        var hub = liveSession()
        #expect(hub.receive(.hello(Hello(agentVersion: "t", inventory: [])), now: t0).closeError?.code == .protocolViolation)
    }

    @Test func noHelloInTimeCloses() {
        var hub = session()
        #expect(hub.nextDeadline == t0.advanced(by: .seconds(10)))
        #expect(hub.tick(now: t0.advanced(by: .seconds(9))).isEmpty)
        #expect(hub.tick(now: t0.advanced(by: .seconds(10))).closeError?.code == .handshakeTimeout)
    }

    @Test func pingsEveryIntervalAndClosesWhenPongsStop() {
        var hub = liveSession()
        #expect(hub.nextDeadline == t0.advanced(by: .seconds(10)))
        let first = hub.tick(now: t0.advanced(by: .seconds(10)))
        #expect(first == [.send(.ping(nonce: 1))])
        #expect(hub.receive(.pong(nonce: 1), now: t0.advanced(by: .seconds(11))).isEmpty)
        #expect(hub.tick(now: t0.advanced(by: .seconds(20))) == [.send(.ping(nonce: 2))])
        #expect(hub.tick(now: t0.advanced(by: .seconds(30))) == [.send(.ping(nonce: 3))])
        #expect(hub.tick(now: t0.advanced(by: .seconds(40))) == [.send(.ping(nonce: 4))])
        #expect(hub.tick(now: t0.advanced(by: .seconds(49))).isEmpty)
        let closed = hub.tick(now: t0.advanced(by: .seconds(50)))
        #expect(closed.closeError?.code == .heartbeatTimeout)
        #expect(closed.closeError?.closeCode == 4003)
        #expect(hub.state == .closed && hub.nextDeadline == nil)
    }

    @Test func answersEdgePings() {
        var hub = liveSession()
        #expect(hub.receive(.ping(nonce: 77), now: t0) == [.send(.pong(nonce: 77))])
    }

    @Test func unacknowledgedChangesCloseAfterTheAckTimeout() {
        var hub = liveSession { $0.heartbeatInterval = .seconds(1000); $0.heartbeatTimeout = .seconds(1000) }
        let v3 = dataset("mine", node: "A", rv: "3")
        let sent = hub.desiredChanged(.upsert(.dataset(v3)), now: t0).sent
        #expect(sent.count == 1 && hub.unackedCount == 1)
        #expect(hub.nextDeadline == t0.advanced(by: .seconds(60)))
        #expect(hub.tick(now: t0.advanced(by: .seconds(59))).isEmpty)
        #expect(hub.tick(now: t0.advanced(by: .seconds(60))).closeError?.code == .ackTimeout)
    }

    @Test func duplicateAndUnknownAcksAreHarmless() {
        var hub = liveSession()
        let seq = hub.desiredChanged(.upsert(.dataset(dataset("mine", node: "A", rv: "9"))), now: t0).sent[0].seq!
        #expect(hub.receive(.ack(seq: seq), now: t0).isEmpty)
        #expect(hub.receive(.ack(seq: seq), now: t0).isEmpty)
        #expect(hub.receive(.ack(seq: 999), now: t0).isEmpty)
        #expect(hub.state == .live && hub.unackedCount == 0)
    }

    @Test func liveChangesAreSequencedAndDuplicatesSuppressed() {
        var hub = liveSession()
        let v3 = SyncObject.dataset(dataset("mine", node: "A", rv: "3"))
        let first = hub.desiredChanged(.upsert(v3), now: t0).sent
        #expect(first == [.upsert(v3, seq: 4)])
        #expect(hub.desiredChanged(.upsert(v3), now: t0).isEmpty, "same uid and rv again: nothing to send")
        #expect(hub.desiredChanged(.delete(v3.ref), now: t0).sent == [.delete(v3.ref, seq: 5)])
        #expect(hub.desiredChanged(.delete(v3.ref), now: t0).isEmpty)
    }

    @Test func changesBeforeHelloShapeTheResync() {
        var hub = session()
        let v3 = SyncObject.dataset(dataset("mine", node: "A", rv: "3"))
        #expect(hub.desiredChanged(.upsert(v3), now: t0).isEmpty)
        let sent = hub.receive(.hello(Hello(agentVersion: "t", inventory: [v3.entry])), now: t0).sent
        #expect(sent.compactMap(\.upsertedObject).map(\.key.name) == ["m"], "the edge already has rv 3")
    }

    @Test func refusesReportsForOtherNodesObjectsAndCountsThem() throws {
        var hub = liveSession()
        let report = datasetReport("r1", theirs)
        let actions = hub.receive(.statusReport(report), now: t0)
        #expect(actions.writes.isEmpty)
        #expect(actions.results == [ReportResult(reportID: "r1", outcome: .refused(reason: "Dataset default/theirs is not assigned to node A"))])
        #expect(actions.refusals.map(\.reportID) == ["r1"])
        #expect(hub.refusedCount == 1)
        // Counted before answered: the edge never sees a refusal the metrics do not show yet.
        let counted = actions.firstIndex { if case .refused = $0 { true } else { false } }
        let answered = actions.firstIndex { if case .send = $0 { true } else { false } }
        #expect(try #require(counted) < (try #require(answered)))
    }

    @Test func refusesReportsForARecreatedObject() {
        var hub = liveSession()
        let old = dataset("mine", node: "A", uid: "old-uid")
        let actions = hub.receive(.statusReport(datasetReport("r1", old)), now: t0)
        #expect(actions.writes.isEmpty)
        guard case .refused(let reason) = actions.results.first?.outcome else { Issue.record("not refused"); return }
        #expect(reason.contains("deleted and recreated"))
    }

    @Test func refusesModelPresenceClaimedForAnotherNode() {
        var hub = liveSession()
        let m = SyncObject.model(model("m"))
        let report = StatusReport(
            reportID: "r1", ref: m.ref, status: .model(ModelReport(node: ModelNodeStatus(nodeName: "B", present: true))))
        #expect(hub.receive(.statusReport(report), now: t0).refusals.count == 1)
        let honest = StatusReport(
            reportID: "r2", ref: m.ref, status: .model(ModelReport(node: ModelNodeStatus(nodeName: "A", present: true))))
        #expect(hub.receive(.statusReport(honest), now: t0).writes.count == 1)
    }

    @Test func reportsAreWrittenAndAnsweredAfterTheWrite() {
        var hub = liveSession()
        let actions = hub.receive(.statusReport(datasetReport("r1", mine, samples: 5)), now: t0)
        #expect(actions.results.isEmpty, "no answer before the write")
        let write = try! #require(actions.writes.first)
        #expect(write.node == "A" && write.ref == SyncObject.dataset(mine).ref && write.reportIDs == ["r1"] && write.attempt == 1)
        let done = hub.writeCompleted(write.id, outcome: .applied, now: t0)
        #expect(done.results == [ReportResult(reportID: "r1", outcome: .applied)])
        #expect(hub.writeCompleted(write.id, outcome: .applied, now: t0).isEmpty, "a duplicate completion is ignored")
    }

    @Test func reportsCoalescePerObjectLatestWins() {
        var hub = liveSession { $0.statusWritesPerSecond = 1; $0.statusWriteBurst = 1 }
        let first = hub.receive(.statusReport(datasetReport("r1", mine, samples: 1)), now: t0).writes
        #expect(first.count == 1)
        // While r1's write is in flight, r2 and r3 arrive: they coalesce, r3's status wins.
        #expect(hub.receive(.statusReport(datasetReport("r2", mine, samples: 2)), now: t0).writes.isEmpty)
        #expect(hub.receive(.statusReport(datasetReport("r3", mine, samples: 3)), now: t0).writes.isEmpty)
        #expect(hub.pendingReportCount == 1)
        let afterFirst = hub.writeCompleted(first[0].id, outcome: .applied, now: t0)
        #expect(afterFirst.results.map(\.reportID) == ["r1"])
        #expect(afterFirst.writes.isEmpty, "rate limit: one write per second")
        let next = hub.nextDeadline!
        #expect(next > t0 && next <= t0.advanced(by: .seconds(1)))
        let second = hub.tick(now: next).writes
        #expect(second.count == 1)
        #expect(second[0].reportIDs == ["r2", "r3"])
        #expect(second[0].status == .dataset(DatasetStatus(numberOfSamples: 3, updateTime: Time(rfc3339: "2026-01-02T03:04:05Z"))))
        #expect(hub.writeCompleted(second[0].id, outcome: .applied, now: next).results.map(\.reportID) == ["r2", "r3"])
    }

    @Test func writeRateIsLimited() {
        var hub = liveSession { $0.statusWritesPerSecond = 10; $0.statusWriteBurst = 2 }
        let objects = (0..<6).map { dataset("d\($0)", node: "A") }
        for object in objects { _ = hub.desiredChanged(.upsert(.dataset(object)), now: t0) }
        var writes = 0
        for (index, object) in objects.enumerated() {
            writes += hub.receive(.statusReport(datasetReport("r\(index)", object)), now: t0).writes.count
        }
        #expect(writes == 2, "the burst")
        writes += hub.tick(now: t0.advanced(by: .milliseconds(100))).writes.count
        #expect(writes == 3)
        writes += hub.tick(now: t0.advanced(by: .milliseconds(400))).writes.count
        #expect(writes == 5, "refilled at 10/s, capped at the burst of 2")
    }

    @Test func transientWriteFailuresRetryWithBackoffThenRetryLater() {
        var hub = liveSession { $0.maxWriteAttempts = 3 }
        var write = hub.receive(.statusReport(datasetReport("r1", mine)), now: t0).writes[0]
        var now = t0
        for attempt in 1...2 {
            let actions = hub.writeCompleted(write.id, outcome: .failed(reason: "503"), now: now)
            #expect(actions.results.isEmpty, "not answered while retrying")
            let due = try! #require(hub.nextDeadline)
            #expect(due == now.advanced(by: HubConfiguration().writeRetry.ceiling(attempt: attempt - 1)))
            #expect(hub.tick(now: due.advanced(by: .milliseconds(-1))).writes.isEmpty)
            now = due
            write = hub.tick(now: now).writes[0]
            #expect(write.attempt == attempt + 1)
        }
        let last = hub.writeCompleted(write.id, outcome: .failed(reason: "503"), now: now)
        #expect(last.results == [ReportResult(reportID: "r1", outcome: .retryLater)])
        #expect(hub.pendingReportCount == 0)
    }

    @Test func definitiveWriteRefusalIsAnsweredAndCounted() {
        var hub = liveSession()
        let write = hub.receive(.statusReport(datasetReport("r1", mine)), now: t0).writes[0]
        let actions = hub.writeCompleted(write.id, outcome: .refused(reason: "uid precondition failed"), now: t0)
        #expect(actions.results == [ReportResult(reportID: "r1", outcome: .refused(reason: "uid precondition failed"))])
        #expect(actions.refusals.count == 1 && hub.refusedCount == 1)
    }

    @Test func queuedReportsForAnObjectTakenAwayAreRefused() {
        var hub = liveSession { $0.statusWritesPerSecond = 1; $0.statusWriteBurst = 1 }
        let other = dataset("other", node: "A")
        _ = hub.desiredChanged(.upsert(.dataset(other)), now: t0)
        _ = hub.receive(.statusReport(datasetReport("r0", mine)), now: t0)
        #expect(hub.receive(.statusReport(datasetReport("r1", other)), now: t0).writes.isEmpty)
        let moved = hub.desiredChanged(.delete(SyncObject.dataset(other).ref), now: t0)
        #expect(moved.results.map(\.reportID) == ["r1"])
        #expect(moved.sent.contains { $0.deletedRef == SyncObject.dataset(other).ref })
    }

    @Test func replacedSessionsCloseWithTheirCode() {
        var hub = liveSession()
        let actions = hub.close(ProtocolError(.replaced, "a newer connection of node A"))
        #expect(actions.closeError?.closeCode == 4005)
        #expect(hub.close(ProtocolError(.replaced, "again")).isEmpty)
        #expect(hub.writeCompleted(1, outcome: .applied, now: t0).isEmpty)
    }

    @Test func anEdgeErrorClosesWithoutEchoing() {
        var hub = liveSession()
        let actions = hub.receive(.error(ErrorMessage(code: .internalError, message: "disk full")), now: t0)
        #expect(actions == [.close(ProtocolError(.internalError, "edge reported: disk full"))])
    }
}
