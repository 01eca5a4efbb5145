import EdgeAIAPI
import EdgeSync
import Testing

/// The hub's EdgeNode decisions, without sockets or clocks: online/offline transitions, the
/// grace period, the heartbeat throttle and the fleet-wide write budget.
@Suite struct NodeLedgerTests {
    let t0 = Instant.now
    let wall = Time(rfc3339: "2026-12-01T10:00:00Z") ?? Time.now()

    func policy(_ configure: (inout NodeStatusPolicy) -> Void = { _ in }) -> NodeStatusPolicy {
        var policy = NodeStatusPolicy()
        policy.offlineGracePeriod = .seconds(40)
        policy.heartbeatRefreshInterval = .seconds(60)
        policy.minWriteInterval = .seconds(10)
        configure(&policy)
        return policy
    }

    /// Ticks and completes every write as applied; returns the writes.
    func flush(_ ledger: inout NodeLedger<Instant>, at offset: Duration) -> [NodeStatusWrite] {
        let now = t0.advanced(by: offset)
        let writes = ledger.tick(now: now, wall: wall.advanced(by: offset))
        for write in writes { ledger.completed(write, outcome: .applied, now: now) }
        return writes
    }

    @Test func connectWritesOnlineThenOfflineAfterTheGracePeriod() throws {
        var ledger = NodeLedger<Instant>(policy: policy())
        ledger.connected("a", connection: 1, observation: NodeObservation(agentVersion: "1.0", address: "10.0.0.1:5000"), wall: wall)
        let first = flush(&ledger, at: .zero)
        #expect(first.count == 1)
        let online = try #require(first.first)
        #expect(online.createIfMissing)
        #expect(online.status.phase == "Online")
        #expect(online.status.conditions?[type: "Ready"]?.status == "True")
        #expect(online.status.address == "10.0.0.1:5000")
        #expect(online.status.agentVersion == "1.0")
        #expect(flush(&ledger, at: .seconds(1)).isEmpty)

        ledger.disconnected("a", connection: 1, lastHeard: wall.advanced(by: .seconds(4)), now: t0.advanced(by: .seconds(5)))
        // Within the grace period nothing is written; the deadline is its end.
        #expect(flush(&ledger, at: .seconds(44)).isEmpty)
        #expect(ledger.nextDeadline(now: t0.advanced(by: .seconds(44)), wall: wall) == t0.advanced(by: .seconds(45)))
        let offline = flush(&ledger, at: .seconds(45))
        #expect(offline.count == 1)
        let status = try #require(offline.first?.status)
        #expect(offline.first?.createIfMissing == false)
        #expect(status.phase == "Offline")
        let ready = try #require(status.conditions?[type: "Ready"])
        #expect(ready.status == "Unknown")
        #expect(ready.reason == "NodeOffline")
        #expect(ready.lastTransitionTime == wall.advanced(by: .seconds(4)))
        #expect(status.lastHeartbeatTime == wall.advanced(by: .seconds(4)))
        #expect(flush(&ledger, at: .seconds(500)).isEmpty)  // offline is written once

        ledger.connected("a", connection: 2, observation: NodeObservation(), wall: wall.advanced(by: .seconds(600)))
        let back = flush(&ledger, at: .seconds(600))
        #expect(back.first?.status.phase == "Online")
        #expect(back.first?.status.conditions?[type: "Ready"]?.lastTransitionTime == wall.advanced(by: .seconds(600)))
    }

    @Test func reconnectWithinTheGracePeriodWritesNothing() {
        var ledger = NodeLedger<Instant>(policy: policy())
        ledger.connected("a", connection: 1, observation: NodeObservation(), wall: wall)
        _ = flush(&ledger, at: .zero)
        ledger.disconnected("a", connection: 1, lastHeard: wall, now: t0.advanced(by: .seconds(1)))
        ledger.connected("a", connection: 2, observation: NodeObservation(), wall: wall.advanced(by: .seconds(3)))
        #expect(flush(&ledger, at: .seconds(50)).isEmpty)
        // A replaced connection's late end changes nothing.
        ledger.disconnected("a", connection: 1, lastHeard: wall, now: t0.advanced(by: .seconds(51)))
        #expect(ledger.isConnected("a"))
        ledger.connected("a", connection: 1, observation: NodeObservation(), wall: wall)
        #expect(flush(&ledger, at: .seconds(59)).isEmpty)
    }

    @Test func heartbeatIsRefreshedAtTheIntervalAndChangesAreCoalesced() {
        var ledger = NodeLedger<Instant>(policy: policy())
        ledger.connected("a", connection: 1, observation: NodeObservation(), wall: wall)
        _ = flush(&ledger, at: .zero)
        ledger.observed("a", connection: 1, observation: NodeObservation(datasets: 3))
        #expect(flush(&ledger, at: .seconds(5)).isEmpty)  // within minWriteInterval
        ledger.observed("a", connection: 1, observation: NodeObservation(datasets: 4, models: 1))
        let change = flush(&ledger, at: .seconds(10))
        #expect(change.map(\.status.datasets) == [4])
        #expect(change.map(\.status.models) == [1])
        #expect(flush(&ledger, at: .seconds(69)).isEmpty)
        let refresh = flush(&ledger, at: .seconds(70))
        #expect(refresh.map(\.status.lastHeartbeatTime) == [wall.advanced(by: .seconds(70))])
        // A replaced connection's observation is ignored.
        ledger.observed("a", connection: 9, observation: NodeObservation(datasets: 99))
        #expect(flush(&ledger, at: .seconds(90)).isEmpty)
    }

    @Test func theWriteBudgetsBoundAFleetAndTransitionsGoFirst() {
        var ledger = NodeLedger<Instant>(policy: policy {
            $0.writesPerSecond = 100
            $0.writeBurst = 100
            $0.transitionWritesPerSecond = 100
            $0.transitionBurst = 300
        })
        for i in 0..<1000 { ledger.connected("n\(i)", connection: UInt64(i + 1), observation: NodeObservation(), wall: wall) }
        var written = 0
        var seconds = 0
        var perSecond: [Int] = []
        while written < 1000, seconds < 60 {
            let writes = flush(&ledger, at: .seconds(seconds))
            perSecond.append(writes.count)
            written += writes.count
            seconds += 1
        }
        #expect(written == 1000)
        // Both bursts at once, then both rates: 400, 200, 200, 200.
        #expect(perSecond == [400, 200, 200, 200])
        // Steady state: every node refreshes once per 60 s, 1000/60 ≈ 17 writes/s, from the
        // steady budget only.
        var steady = 0
        for s in 100..<160 { steady += flush(&ledger, at: .seconds(s)).count }
        #expect(steady <= 1000 + 100)
        #expect(steady >= 900)
        // One node goes offline while all need a refresh: its transition is written first.
        ledger.disconnected("n7", connection: 8, lastHeard: wall, now: t0.advanced(by: .seconds(160)))
        let next = ledger.tick(now: t0.advanced(by: .seconds(300)), wall: wall)
        #expect(next.first?.node == "n7")
        #expect(next.first?.status.phase == "Offline")
        #expect(next.count <= 101)
    }

    /// Heartbeat refreshes never spend the transitions' budget: with it full, a fleet due for
    /// refreshes is written at the steady rate.
    @Test func refreshesStayWithinTheSteadyBudget() {
        var ledger = NodeLedger<Instant>(policy: policy {
            $0.writesPerSecond = 10
            $0.writeBurst = 10
            $0.transitionWritesPerSecond = 1000
            $0.transitionBurst = 1000
        })
        for i in 0..<500 { ledger.connected("n\(i)", connection: UInt64(i + 1), observation: NodeObservation(), wall: wall) }
        #expect(flush(&ledger, at: .zero).count == 500)  // the first connects: transitions
        // At 60 s all 500 refreshes are due; the transitions' budget has refilled, unused.
        for s in 60..<70 { #expect(flush(&ledger, at: .seconds(s)).count == 10) }
    }

    /// A whole fleet dropping at once is written Offline within one tick of the grace period's
    /// end with the default budgets (the steady budget alone would take 50 s for 10,000).
    @Test func aMassOfflineIsWrittenAtTheEndOfTheGracePeriod() {
        var ledger = NodeLedger<Instant>(policy: policy())
        let nodes = 10_000
        for i in 0..<nodes { ledger.connected("n\(i)", connection: UInt64(i + 1), observation: NodeObservation(), wall: wall) }
        #expect(flush(&ledger, at: .zero).count == nodes)  // the first connects, one burst
        for i in 0..<nodes { ledger.disconnected("n\(i)", connection: UInt64(i + 1), lastHeard: wall, now: t0.advanced(by: .seconds(100))) }
        #expect(ledger.nextDeadline(now: t0.advanced(by: .seconds(101)), wall: wall).map { $0 <= t0.advanced(by: .seconds(140)) } == true)
        let offline = flush(&ledger, at: .seconds(140)).filter { $0.status.phase == "Offline" }
        #expect(offline.count == nodes)
        #expect(flush(&ledger, at: .seconds(141)).isEmpty)  // written once
    }

    @Test func failedWritesAreRetriedAndMissingOfflineNodesForgotten() {
        var ledger = NodeLedger<Instant>(policy: policy { $0.retryDelay = .seconds(2) })
        ledger.connected("a", connection: 1, observation: NodeObservation(), wall: wall)
        let first = ledger.tick(now: t0, wall: wall)
        #expect(ledger.tick(now: t0, wall: wall).isEmpty)  // one in flight per node
        ledger.completed(first[0], outcome: .failed(reason: "503"), now: t0)
        #expect(ledger.tick(now: t0.advanced(by: .seconds(1)), wall: wall).isEmpty)
        #expect(ledger.nextDeadline(now: t0.advanced(by: .seconds(1)), wall: wall) == t0.advanced(by: .seconds(2)))
        #expect(ledger.tick(now: t0.advanced(by: .seconds(2)), wall: wall).count == 1)

        var offline = NodeLedger<Instant>(policy: policy())
        offline.known("b", status: EdgeNodeStatus(phase: "Online", lastHeartbeatTime: wall), now: t0)
        let writes = offline.tick(now: t0.advanced(by: .seconds(40)), wall: wall)
        #expect(writes.map(\.status.phase) == ["Offline"])
        #expect(writes.first?.createIfMissing == false)
        offline.completed(writes[0], outcome: .missing, now: t0.advanced(by: .seconds(40)))
        #expect(offline.count == 0)
    }

    @Test func knownNodesFromTheAPI() {
        var ledger = NodeLedger<Instant>(policy: policy())
        // Never connected (created by `edgeai node add`): nothing to write.
        ledger.known("pending", status: nil, now: t0)
        // Offline already: nothing to write either.
        ledger.known("gone", status: EdgeNodeStatus(
            phase: "Offline", conditions: [Condition(type: "Ready", status: "Unknown", reason: "NodeOffline", lastTransitionTime: wall)]),
            now: t0)
        #expect(ledger.tick(now: t0.advanced(by: .seconds(100)), wall: wall).isEmpty)
        #expect(ledger.nextDeadline(now: t0.advanced(by: .seconds(100)), wall: wall) == nil)
        // A node the ledger tracks is not overwritten by the API's (older) view.
        ledger.connected("live", connection: 1, observation: NodeObservation(), wall: wall)
        ledger.known("live", status: EdgeNodeStatus(phase: "Offline"), now: t0)
        #expect(ledger.tick(now: t0, wall: wall).first?.status.phase == "Online")
        ledger.forget("live")
        #expect(ledger.count == 2)
    }
}

extension NodeLedgerTests {
    /// A node that drops before its first write is still written Online (and its EdgeNode
    /// created), then Offline after the grace period.
    @Test func aNodeDroppingBeforeItsFirstWriteIsStillWritten() {
        var ledger = NodeLedger<Instant>(policy: policy())
        ledger.connected("a", connection: 1, observation: NodeObservation(), wall: wall)
        ledger.disconnected("a", connection: 1, lastHeard: wall, now: t0)
        let first = flush(&ledger, at: .seconds(1))
        #expect(first.map(\.status.phase) == ["Online"])
        #expect(first.first?.createIfMissing == true)
        #expect(flush(&ledger, at: .seconds(40)).map(\.status.phase) == ["Offline"])
    }
}
