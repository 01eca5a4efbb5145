import EdgeAITesting
import EdgeHub
import EdgeSync
import Logging
import Synchronization
import Testing

/// The hub's EdgeNode writes: a fleet's burst of transitions goes out at most
/// `maxWritesInFlight` at a time, and every write still happens.
@Suite(.timeLimit(.minutes(2)))
struct NodeKeeperTests {
    /// Holds every write until opened, counting how many wait at once.
    final class HeldWriter: NodeStatusWriting {
        struct Counts { var inFlight = 0, peak = 0, done = 0, opened = false, waiting: [CheckedContinuation<Void, Never>] = [] }
        let counts = Mutex(Counts())

        func write(_ write: NodeStatusWrite) async -> NodeStatusWriteOutcome {
            await withCheckedContinuation { continuation in
                let now = counts.withLock { counts -> Bool in
                    counts.inFlight += 1
                    counts.peak = max(counts.peak, counts.inFlight)
                    if !counts.opened { counts.waiting.append(continuation) }
                    return counts.opened
                }
                if now { continuation.resume() }
            }
            counts.withLock {
                $0.inFlight -= 1
                $0.done += 1
            }
            return .applied
        }

        func open() {
            let waiting = counts.withLock { counts in
                counts.opened = true
                defer { counts.waiting = [] }
                return counts.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    @Test func aBurstOfTransitionsIsWrittenAtMostMaxWritesInFlightAtOnce() async throws {
        let writer = HeldWriter()
        var logger = Logger(label: "test.nodes")
        logger.logLevel = .critical
        let keeper = NodeKeeper(policy: NodeStatusPolicy(), writer: writer, tickInterval: .milliseconds(10), maxWritesInFlight: 8, logger: logger)
        for index in 0..<200 {
            await keeper.connected("edge-\(index)", connection: UInt64(index), observation: NodeObservation(), createsEdgeNode: true)
        }
        let run = Task { await keeper.run() }
        defer { run.cancel() }
        try await eventually("the first writes held") { writer.counts.withLock { $0.inFlight } == 8 }
        // The other 192 are decided and wait for a slot, not for the API.
        try await eventually("every write decided") { await keeper.writesStarted == 200 }
        #expect(writer.counts.withLock { $0.peak } == 8)
        writer.open()
        try await eventually("every connect written") { writer.counts.withLock { $0.done } == 200 }
        #expect(writer.counts.withLock { $0.peak } == 8)
    }
}
