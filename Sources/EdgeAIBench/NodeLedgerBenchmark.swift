import ArgumentParser
import EdgeAIAPI
import EdgeAICore
import EdgeSync
import Foundation

/// `edgeai-bench node-ledger`: the hub's EdgeNode status writes for a simulated fleet, through
/// the real ``NodeLedger`` on a simulated clock (no I/O, no sleeping): writes/s at steady state
/// against the reference of writing every heartbeat (measured in the same run), how long the
/// offline transitions of a mass disconnect take past the grace period, and what a tick costs.
struct NodeLedgerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node-ledger", abstract: "EdgeNode status writes at steady state for a simulated fleet (NodeLedger, simulated clock).")

    @Option(help: "Connected nodes.")
    var nodes = 10_000

    @Option(help: "Simulated minutes.")
    var minutes = 12

    @Option(help: "Percent of the nodes that drop at once at minute 6 (and come back at minute 9).")
    var dropPercent = 100

    @Option(help: "Milliseconds between ticks (the hub's NodeKeeper ticks every 500 ms at most).")
    var tickMs = 500

    struct Result {
        var steadyPerSecond: Double
        var peakPerSecond: Int
        var offlineWrittenAfterGrace: Double?
        var tickMicros: Double
    }

    func simulate(_ policy: NodeStatusPolicy) -> Result {
        var ledger = NodeLedger<ContinuousClock.Instant>(policy: policy)
        let t0 = ContinuousClock.now
        let wall = Time.now()
        for i in 0..<nodes { ledger.connected("n\(i)", connection: UInt64(i + 1), observation: NodeObservation(datasets: 10, models: 2), wall: wall) }
        let dropped = nodes * dropPercent / 100
        let tick = Duration.milliseconds(Int64(tickMs))
        let end = Duration.seconds(Int64(minutes * 60))
        let dropAt = Duration.seconds(360)
        let backAt = Duration.seconds(540)
        var perSecond: [Int: Int] = [:]
        var offlineWrites = 0
        var lastOfflineWrite: Duration?
        var tickTime = Duration.zero
        var ticks = 0
        var at = Duration.zero
        var connection = UInt64(nodes + 1)
        while at < end {
            let now = t0.advanced(by: at)
            if at == dropAt {
                for i in 0..<dropped { ledger.disconnected("n\(i)", connection: UInt64(i + 1), lastHeard: wall.advanced(by: at), now: now) }
            }
            if at == backAt {
                for i in 0..<dropped {
                    connection += 1
                    ledger.connected("n\(i)", connection: connection, observation: NodeObservation(datasets: 10, models: 2), wall: wall.advanced(by: at))
                }
            }
            let started = ContinuousClock.now
            let writes = ledger.tick(now: now, wall: wall.advanced(by: at))
            tickTime += started.duration(to: .now)
            ticks += 1
            for write in writes {
                ledger.completed(write, outcome: .applied, now: now)
                if write.status.phase == EdgeNodePhase.offline.rawValue {
                    offlineWrites += 1
                    lastOfflineWrite = at
                }
            }
            perSecond[Int(at.seconds), default: 0] += writes.count
            at += tick
        }
        // Steady state: minutes 3 to 6 (every node connected, first writes long done).
        let steady = (180..<360).map { perSecond[$0, default: 0] }
        let graceEnd = dropAt + policy.offlineGracePeriod
        return Result(
            steadyPerSecond: Double(steady.reduce(0, +)) / Double(steady.count), peakPerSecond: perSecond.values.max() ?? 0,
            offlineWrittenAfterGrace: offlineWrites == dropped ? lastOfflineWrite.map { ($0 - graceEnd).seconds } : nil,
            tickMicros: tickTime.seconds * 1e6 / Double(max(ticks, 1)))
    }

    func run() throws {
        let policy = NodeStatusPolicy()
        let result = simulate(policy)
        // Reference: every heartbeat (10 s, the hub's ping interval) written, no budget.
        var everyHeartbeat = NodeStatusPolicy()
        everyHeartbeat.heartbeatRefreshInterval = HubConfiguration().heartbeatInterval
        everyHeartbeat.writesPerSecond = 1e9
        everyHeartbeat.writeBurst = Int.max / 2
        everyHeartbeat.transitionWritesPerSecond = 1e9
        everyHeartbeat.transitionBurst = Int.max / 2
        let reference = simulate(everyHeartbeat)
        print("nodes: \(nodes), simulated \(minutes) min, \(dropPercent)% drop at minute 6, back at minute 9")
        print(String(format: "steady-state EdgeNode writes/s: %.1f (reference, a write per heartbeat: %.1f/s; ratio %.3f)",
            result.steadyPerSecond, reference.steadyPerSecond, result.steadyPerSecond / max(reference.steadyPerSecond, 0.001)))
        print("peak writes in one second: \(result.peakPerSecond) (steady budget \(Int(policy.writesPerSecond))/s, burst \(policy.writeBurst); "
            + "transitions \(Int(policy.transitionWritesPerSecond))/s, burst \(policy.transitionBurst))")
        print(result.offlineWrittenAfterGrace.map { String(format: "all %d offline transitions written %.1f s after the grace period", nodes * dropPercent / 100, $0) }
            ?? "offline transitions not all written")
        print(String(format: "tick cost: %.0f µs for %d nodes (reference policy: %.0f µs)", result.tickMicros, nodes, reference.tickMicros))
    }
}
