import EdgeAIAPI
import EdgeAICore
import EdgeSync
import Testing

@Suite(.timeLimit(.minutes(5)))
struct EdgeLinkTests {
    let t0 = Instant.now
    let welcome = Welcome(version: .v1, nodeName: "A", heartbeatIntervalMs: 10_000, maxFrameBytes: 1 << 20)

    func link(outbox: ReportOutbox = ReportOutbox(), seed: UInt64 = 42) -> EdgeLink<Instant> {
        EdgeLink(configuration: EdgeLinkConfiguration(node: "A", agentVersion: "0.1"), outbox: outbox, random: SplitMix64(seed: seed))
    }

    /// A link that has said hello and received welcome.
    func welcomed(outbox: ReportOutbox = ReportOutbox()) -> EdgeLink<Instant> {
        var link = link(outbox: outbox)
        _ = link.start(now: t0)
        _ = link.connected(inventory: [], now: t0)
        _ = link.receive(.welcome(welcome), now: t0)
        return link
    }

    @Test func connectsSaysHelloAndGoesLiveWhenTheResyncIsPersisted() {
        var link = link()
        #expect(link.start(now: t0) == [.transition(.init(from: .disconnected, to: .connecting, failedAttempts: 0)), .connect])
        let entry = InventoryEntry(kind: .dataset, namespace: "default", name: "d", uid: "u", resourceVersion: "1")
        let hello = link.connected(inventory: [entry], now: t0)
        #expect(hello.sent == [.hello(Hello(agentVersion: "0.1", inventory: [entry]))])
        #expect(link.state == .syncing)
        #expect(link.receive(.welcome(welcome), now: t0).isEmpty)
        let object = SyncObject.dataset(dataset("d", node: "A", rv: "2"))
        #expect(link.receive(.upsert(object, seq: 1), now: t0) == [.apply(.upsert(object), seq: 1)])
        #expect(link.receive(.resyncDone(seq: 2), now: t0).isEmpty, "not live until the upsert is persisted")
        let persisted = link.persisted(seq: 1)
        #expect(persisted.sent == [.ack(seq: 1), .ack(seq: 2)])
        #expect(persisted.transitions.map(\.to) == [.live])
        #expect(link.state == .live)
    }

    @Test func reconnectDelaysAreJitteredBoundedAndLoggedOnce() {
        var link = link()
        _ = link.start(now: t0)
        var delays: [Duration] = []
        var logged: [EdgeLink<Instant>.Transition] = []
        for _ in 0..<30 {
            let failed = link.connectionLost(reason: "connection refused", now: t0)
            delays.append(try! #require(failed.reconnectDelay))
            logged += failed.transitions
            let retry = link.reconnectDue(now: t0)
            #expect(retry.contains(.connect))
            logged += retry.transitions
        }
        let backoff = Backoff()
        for (attempt, delay) in delays.enumerated() {
            #expect(delay <= backoff.ceiling(attempt: attempt))
            #expect(delay >= backoff.ceiling(attempt: attempt) * 0.5)
            #expect(delay <= .seconds(30))
        }
        #expect(delays.last! > .seconds(14), "capped at 30 s, jitter at most 50 %")
        #expect(logged.count == 1, "one log line for the whole streak: \(logged)")
        #expect(logged.first?.to == .disconnected && logged.first?.reason == "connection refused")
        _ = link.connected(inventory: [], now: t0)
        _ = link.receive(.welcome(welcome), now: t0)
        let live = link.receive(.resyncDone(seq: 1), now: t0)
        #expect(live.transitions == [.init(from: .syncing, to: .live, failedAttempts: 30)])
        #expect(link.failedAttempts == 0)
    }

    @Test func aDropFromLiveLogsAndRetriesPromptly() {
        var link = welcomed()
        _ = link.receive(.resyncDone(seq: 1), now: t0)
        let lost = link.connectionLost(reason: "hub closed", now: t0)
        #expect(lost.transitions.map(\.to) == [.disconnected])
        #expect(try! #require(lost.reconnectDelay) <= Backoff().initial)
        #expect(link.reconnectDue(now: t0).transitions.map(\.to) == [.connecting])
    }

    @Test func staleAndDuplicateChangesAreAcknowledgedNotApplied() {
        var link = welcomed()
        let v1 = SyncObject.dataset(dataset("d", node: "A", rv: "1"))
        let v2 = SyncObject.dataset(dataset("d", node: "A", rv: "2"))
        #expect(link.receive(.upsert(v2, seq: 5), now: t0) == [.apply(.upsert(v2), seq: 5)])
        #expect(link.receive(.upsert(v1, seq: 4), now: t0) == [.send(.ack(seq: 4))], "older seq for the slot: dropped")
        #expect(link.receive(.upsert(v2, seq: 5), now: t0).isEmpty, "duplicate: acknowledged once persisted")
        #expect(link.receive(.delete(v1.ref, seq: 3), now: t0) == [.send(.ack(seq: 3))])
        #expect(link.persisted(seq: 5) == [.send(.ack(seq: 5))])
        #expect(link.persisted(seq: 5).isEmpty)
        #expect(link.receive(.upsert(v2, seq: 5), now: t0) == [.send(.ack(seq: 5))], "duplicate after persisting: acked again")
    }

    @Test func outboxIsSentAfterWelcomeAndRemovedOnlyOnFinalResults() {
        var outbox = ReportOutbox()
        let d = dataset("d", node: "A")
        outbox.put(datasetReport("r1", d))
        var link = link(outbox: outbox)
        _ = link.start(now: t0)
        #expect(link.connected(inventory: [], now: t0).sent.count == 1, "only hello before welcome")
        #expect(link.receive(.welcome(welcome), now: t0).sent == [.statusReport(datasetReport("r1", d))])
        #expect(link.receive(.reportResult(ReportResult(reportID: "r1", outcome: .retryLater)), now: t0).isEmpty)
        #expect(link.outbox.count == 1)
        #expect(link.nextDeadline == t0.advanced(by: .seconds(5)))
        #expect(link.tick(now: t0.advanced(by: .seconds(5))).sent == [.statusReport(datasetReport("r1", d))])
        // A newer report replaces r1; the answer for r1 then removes nothing.
        #expect(link.report(datasetReport("r2", d, samples: 11), now: t0).sent.count == 1)
        #expect(link.receive(.reportResult(ReportResult(reportID: "r1", outcome: .applied)), now: t0).isEmpty)
        #expect(link.outbox.count == 1)
        let removed = link.receive(.reportResult(ReportResult(reportID: "r2", outcome: .refused(reason: "nope"))), now: t0)
        #expect(removed == [.removeReport(reportID: "r2", outcome: .refused(reason: "nope"))])
        #expect(link.outbox.isEmpty)
    }

    @Test func reportsWhileDisconnectedWaitInTheOutbox() {
        var link = link()
        #expect(link.report(datasetReport("r1", dataset("d", node: "A")), now: t0).isEmpty)
        #expect(link.outbox.count == 1)
        _ = link.start(now: t0)
        _ = link.connected(inventory: [], now: t0)
        #expect(link.receive(.welcome(welcome), now: t0).sent.count == 1)
    }

    @Test func welcomeForAnotherNodeClosesAsMisconfigured() {
        var link = link()
        _ = link.start(now: t0)
        _ = link.connected(inventory: [], now: t0)
        var other = welcome
        other.nodeName = "B"
        let actions = link.receive(.welcome(other), now: t0)
        #expect(actions.closeError?.code == .nodeMismatch)
        #expect(link.state == .disconnected)
        #expect(actions.reconnectDelay != nil)
    }

    @Test func aHubThatNeverWelcomesOrGoesSilentIsDropped() {
        var link = link()
        _ = link.start(now: t0)
        _ = link.connected(inventory: [], now: t0)
        #expect(link.tick(now: t0.advanced(by: .seconds(14))).isEmpty)
        #expect(link.tick(now: t0.advanced(by: .seconds(15))).closeError?.code == .handshakeTimeout)

        var quiet = welcomed()
        #expect(quiet.nextDeadline == t0.advanced(by: .seconds(30)))
        #expect(quiet.receive(.ping(nonce: 1), now: t0.advanced(by: .seconds(20))) == [.send(.pong(nonce: 1))])
        #expect(quiet.tick(now: t0.advanced(by: .seconds(49))).isEmpty, "the ping counted as a sign of life")
        #expect(quiet.tick(now: t0.advanced(by: .seconds(50))).closeError?.code == .heartbeatTimeout)
    }

    @Test func badFramesCloseAndScheduleAReconnect() {
        var link = welcomed()
        let actions = link.receive(frame: Array(#"{"type":"teleport"}"#.utf8), now: t0)
        #expect(actions.closeError?.code == .unknownMessageType)
        #expect(actions.sent.first.map { if case .error = $0 { true } else { false } } == true)
        #expect(link.state == .disconnected && actions.reconnectDelay != nil)
        var second = welcomed()
        #expect(second.receive(.welcome(welcome), now: t0).closeError?.code == .protocolViolation)
    }

    @Test func stopClosesPolitelyAndIsFinal() {
        var link = welcomed()
        let actions = link.stop()
        #expect(actions.closeError?.code == .goingAway)
        #expect(link.state == .stopped)
        #expect(link.start(now: t0).isEmpty && link.connectionLost(reason: "x", now: t0).isEmpty)
    }
}
