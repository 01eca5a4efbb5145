import Dispatch
import Foundation
import Synchronization

/// A bounded pool of dedicated threads for work that touches the file system (dataset looks),
/// so that nothing blocking runs on the cooperative pool or inside an actor.
///
/// Each worker runs one job at a time. A job gets a ``Heartbeat`` it beats as it makes progress
/// (the scanner beats on every buffer it reads). A watchdog thread abandons a job that has not
/// beaten for ``stallTimeout``: its caller gets ``Outcome/stalled`` at once. A thread stuck in
/// the kernel (a `read` on a hung mount) cannot be cancelled, so the stuck worker is *written
/// off*: it is no longer counted as a worker, a replacement thread is started while fewer than
/// ``maxWrittenOff`` workers are written off, and the stuck thread's late result is discarded
/// (it then serves again if the pool is short of workers, or ends). Threads alive at most:
/// `workers + maxWrittenOff`, plus the watchdog.
///
/// Invariants: every submitted job's caller is resumed exactly once (`done`, `stalled`, or
/// `cancelled` after ``shutdown()``); the queue holds at most ``maxQueued`` jobs (more are
/// refused with `cancelled`; the monitor has at most one job per dataset in the pool).
final class ScanPool: Sendable {
    enum Outcome<Value: Sendable>: Sendable {
        case done(Value)
        /// No progress for ``ScanPool/stallTimeout``; the job was abandoned.
        case stalled
        /// The pool was shut down (or its queue was full) before the job ran.
        case cancelled
    }

    /// What a job beats to say it is making progress. Thread-safe, cheap.
    final class Heartbeat: Sendable {
        private let last = Atomic<Int64>(0)
        init() { beat() }
        func beat() { last.store(Self.nowNanoseconds(), ordering: .relaxed) }
        var lastBeat: Int64 { last.load(ordering: .relaxed) }
        static func nowNanoseconds() -> Int64 {
            nanoseconds(ScanPool.epoch.duration(to: .now))
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// A point every instant is measured from (a process-wide constant, not mutable state).
    fileprivate static let epoch = ContinuousClock.now

    private struct Job {
        var id: UInt64
        var heartbeat: Heartbeat
        var work: @Sendable (Heartbeat) -> Void
        /// Resumes the caller with `stalled`.
        var abandon: @Sendable () -> Void
        /// Resumes the caller with `cancelled`.
        var cancel: @Sendable () -> Void
    }

    private struct State {
        var queue: [Job] = []
        var queueHead = 0
        /// Jobs running, by job id, with the worker thread's number.
        var running: [UInt64: (heartbeat: Heartbeat, worker: Int, abandon: @Sendable () -> Void)] = [:]
        var nextID: UInt64 = 0
        var nextWorker = 0
        var workers = 0
        var writtenOff: Set<Int> = []
        var started = false
        var stopped = false
        var lastProgress: Int64 = Heartbeat.nowNanoseconds()
        var writtenOffTotal = 0

        var queued: Int { queue.count - queueHead }
    }

    let workerCount: Int
    let maxWrittenOff: Int
    let stallTimeout: Duration
    let maxQueued: Int
    private let state = Mutex(State())
    private let jobsAvailable = DispatchSemaphore(value: 0)
    private let watchdogWake = DispatchSemaphore(value: 0)

    init(workers: Int = 4, maxWrittenOff: Int = 4, stallTimeout: Duration = .seconds(30), maxQueued: Int = 100_000) {
        self.workerCount = max(1, workers)
        self.maxWrittenOff = max(0, maxWrittenOff)
        self.stallTimeout = stallTimeout
        self.maxQueued = max(1, maxQueued)
    }

    /// Starts the workers and the watchdog. Jobs submitted before wait in the queue.
    func start() {
        let go = state.withLock { state -> Bool in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        guard go else { return }
        for _ in 0..<workerCount { spawnWorker() }
        let thread = Thread { [self] in watchdog() }
        thread.name = "edgeai-scan-watchdog"
        thread.start()
    }

    /// Ends the workers (a running job finishes first; a stuck one is left to its fate) and
    /// the watchdog; queued jobs are resumed with `cancelled`.
    func shutdown() {
        let (pending, workers) = state.withLock { state -> ([Job], Int) in
            guard !state.stopped else { return ([], 0) }
            state.stopped = true
            let pending = Array(state.queue[state.queueHead...])
            state.queue = []
            state.queueHead = 0
            return (pending, state.workers + state.writtenOff.count)
        }
        for job in pending { job.cancel() }
        for _ in 0..<max(workers, 1) { jobsAvailable.signal() }
        watchdogWake.signal()
    }

    /// Runs `work` on a worker thread; returns its value, or `stalled` when it stopped beating.
    func run<Value: Sendable>(_ work: @escaping @Sendable (Heartbeat) -> Value) async -> Outcome<Value> {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Value>, Never>) in
            let box = ResumeBox<Value> { continuation.resume(returning: $0) }
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped, state.queued < maxQueued else { return false }
                state.nextID += 1
                state.queue.append(Job(
                    id: state.nextID, heartbeat: Heartbeat(), work: { beat in box.resume(.done(work(beat))) },
                    abandon: { box.resume(.stalled) }, cancel: { box.resume(.cancelled) }))
                return true
            }
            if accepted { jobsAvailable.signal() } else { box.resume(.cancelled) }
        }
    }

    /// Resumes a continuation at most once, from whichever thread gets there first.
    private final class ResumeBox<Value: Sendable>: Sendable {
        private let resumed = Atomic<Bool>(false)
        private let body: @Sendable (Outcome<Value>) -> Void
        init(_ body: @escaping @Sendable (Outcome<Value>) -> Void) { self.body = body }
        func resume(_ outcome: Outcome<Value>) {
            if !resumed.exchange(true, ordering: .acquiringAndReleasing) { body(outcome) }
        }
    }

    // MARK: Observing

    struct Snapshot: Sendable, Equatable {
        var workers: Int
        var busy: Int
        var queued: Int
        /// Workers currently written off (stuck in a job that was abandoned).
        var writtenOff: Int
        /// Workers written off since start.
        var writtenOffTotal: Int
        /// Time since a job last started, beat or finished (nanoseconds).
        var sinceProgress: Int64
    }

    var snapshot: Snapshot {
        let now = Heartbeat.nowNanoseconds()
        return state.withLock { state in
            let beats = state.running.values.map { $0.heartbeat.lastBeat }.max() ?? 0
            return Snapshot(
                workers: state.workers, busy: state.running.count, queued: state.queued, writtenOff: state.writtenOff.count,
                writtenOffTotal: state.writtenOffTotal, sinceProgress: now - max(state.lastProgress, beats))
        }
    }

    // MARK: Threads

    private func spawnWorker() {
        let number = state.withLock { state -> Int in
            state.nextWorker += 1
            state.workers += 1
            return state.nextWorker
        }
        let thread = Thread { [self] in workerLoop(number) }
        thread.name = "edgeai-scan-\(number)"
        thread.start()
    }

    private func workerLoop(_ number: Int) {
        while true {
            jobsAvailable.wait()
            let job = state.withLock { state -> Job? in
                guard !state.stopped, state.queueHead < state.queue.count else { return nil }
                let job = state.queue[state.queueHead]
                state.queueHead += 1
                if state.queueHead > 1024, state.queueHead * 2 > state.queue.count {
                    state.queue.removeFirst(state.queueHead)
                    state.queueHead = 0
                }
                state.running[job.id] = (job.heartbeat, number, job.abandon)
                state.lastProgress = Heartbeat.nowNanoseconds()
                return job
            }
            guard let job else {
                if state.withLock({ $0.stopped }) { return }
                continue
            }
            job.heartbeat.beat()
            job.work(job.heartbeat)
            let keepServing = state.withLock { state -> Bool in
                state.running[job.id] = nil
                state.lastProgress = Heartbeat.nowNanoseconds()
                if state.stopped { return false }
                guard state.writtenOff.remove(number) != nil else { return true }
                // Back from a job it was written off for: serve again only if the pool is short.
                if state.workers < workerCount {
                    state.workers += 1
                    return true
                }
                return false
            }
            if !keepServing { return }
        }
    }

    private func watchdog() {
        let interval = max(stallTimeout / 4, .milliseconds(10))
        let intervalNanoseconds = Self.nanoseconds(interval)
        let limit = Self.nanoseconds(stallTimeout)
        while true {
            _ = watchdogWake.wait(timeout: .now() + .nanoseconds(Int(intervalNanoseconds)))
            let now = Heartbeat.nowNanoseconds()
            let (stopped, abandoned, replacements) = state.withLock { state -> (Bool, [@Sendable () -> Void], Int) in
                if state.stopped { return (true, [], 0) }
                var abandoned: [@Sendable () -> Void] = []
                var replacements = 0
                for (id, job) in state.running where now - job.heartbeat.lastBeat > limit {
                    state.running[id] = nil
                    abandoned.append(job.abandon)
                    state.writtenOff.insert(job.worker)
                    state.writtenOffTotal += 1
                    state.workers -= 1
                    if state.writtenOff.count <= maxWrittenOff {
                        replacements += 1
                    }
                }
                return (false, abandoned, replacements)
            }
            if stopped { return }
            for abandon in abandoned { abandon() }
            for _ in 0..<replacements { spawnWorker() }
        }
    }
}
