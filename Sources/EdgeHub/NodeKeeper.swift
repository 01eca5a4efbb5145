package import EdgeAIAPI
import EdgeAICore
package import EdgeSync
package import Logging

/// Keeps the EdgeNode objects' status: feeds connection events to a ``NodeLedger`` and performs
/// the writes it decides on through ``NodeStatusWriting``.
///
/// ``run()`` ticks the ledger at its deadlines (no more often than `tickInterval`, so a fleet's
/// heartbeat refreshes batch up: a tick scans every node, ≈ 7 µs per node in a debug build,
/// `edgeai-bench node-ledger`) and writes concurrently, one write per node at a time and at most
/// ``maxWritesInFlight`` at once, so a fleet's burst of transitions never floods the API server
/// (or the client the Dataset status writes share with it). It does not decide anything itself:
/// when to write and what is the ledger's.
package actor NodeKeeper {
    private var ledger: NodeLedger<ContinuousClock.Instant>
    private let writer: any NodeStatusWriting
    private let tickInterval: Duration
    package nonisolated let maxWritesInFlight: Int
    private let logger: Logger
    private let clock = ContinuousClock()
    private let writes: AsyncStream<NodeStatusWrite>
    private let writesContinuation: AsyncStream<NodeStatusWrite>.Continuation
    /// Writes started and completed, for tests and the benchmark.
    package private(set) var writesStarted = 0

    package init(
        policy: NodeStatusPolicy, writer: any NodeStatusWriting, tickInterval: Duration = .milliseconds(500), maxWritesInFlight: Int = 32,
        logger: Logger
    ) {
        self.ledger = NodeLedger(policy: policy)
        self.writer = writer
        self.tickInterval = tickInterval
        self.maxWritesInFlight = max(1, maxWritesInFlight)
        self.logger = logger
        (writes, writesContinuation) = AsyncStream.makeStream(of: NodeStatusWrite.self)
    }

    package func connected(_ node: String, connection: UInt64, observation: NodeObservation, createsEdgeNode: Bool) {
        ledger.connected(node, connection: connection, observation: observation, createsEdgeNode: createsEdgeNode, wall: Time.now())
    }

    package func observed(_ node: String, connection: UInt64, observation: NodeObservation) {
        ledger.observed(node, connection: connection, observation: observation)
    }

    /// `connection` ended; its last frame arrived `silentFor` ago.
    package func disconnected(_ node: String, connection: UInt64, silentFor: Duration) {
        ledger.disconnected(node, connection: connection, lastHeard: Time.now().advanced(by: .zero - silentFor), now: clock.now)
    }

    package func known(_ node: String, status: EdgeNodeStatus?) {
        ledger.known(node, status: status, now: clock.now)
    }

    /// Whether the node is online as this hub sees it (connected, or within its grace period).
    package func isOnline(_ node: String) -> Bool {
        ledger.isOnline(node, now: clock.now)
    }

    package func forget(_ node: String) {
        ledger.forget(node)
    }

    /// Writes until cancelled; returns when the task is cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.performWrites() }
            while !Task.isCancelled {
                let now = clock.now
                for write in ledger.tick(now: now, wall: Time.now()) {
                    writesStarted += 1
                    writesContinuation.yield(write)
                }
                let next = ledger.nextDeadline(now: now, wall: Time.now()) ?? now.advanced(by: .seconds(1))
                let wake = max(min(next, now.advanced(by: .seconds(1))), now.advanced(by: tickInterval))
                guard (try? await clock.sleep(until: wake)) != nil else { break }
            }
            writesContinuation.finish()
        }
    }

    private nonisolated func performWrites() async {
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for await write in writes {
                if inFlight == maxWritesInFlight {
                    await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    let outcome = await self.writer.write(write)
                    if case .failed(let reason) = outcome {
                        self.logger.debug("EdgeNode status write failed", metadata: ["node": "\(write.node)", "reason": "\(reason)"])
                    }
                    await self.completed(write, outcome: outcome)
                }
            }
        }
    }

    private func completed(_ write: NodeStatusWrite, outcome: NodeStatusWriteOutcome) {
        ledger.completed(write, outcome: outcome, now: clock.now)
    }

}
