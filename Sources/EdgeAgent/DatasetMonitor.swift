package import DatasetScan
package import EdgeAICore
package import EdgeSync
import Foundation
package import Logging

/// Watches the data of the datasets this node holds and counts their samples.
///
/// Each tracked dataset is looked at when it is tracked, whenever inotify reports a change in
/// its file's directory (writes, renames in or out, replacement, deletion, recreation; for the
/// `dir` format, inside the directory itself), and every ``rescanInterval`` as a safety net.
/// Each look (``DatasetLook``) resolves the location again (``DataLocator``: a refused path is
/// never opened), re-arms the watches (the parent directory, or the nearest existing ancestor
/// while it is missing), scans incrementally from the previous result when the file only grew,
/// and the observation goes to the sink. It does not decide what to report; the sink does.
/// ``forget(_:)`` releases the dataset's watches (the kernel's, when no other dataset shares them).
///
/// Isolation: looks run on a ``ScanPool`` of dedicated threads, never in this actor or on the
/// cooperative pool; at most one look per dataset is in the pool (a change seen meanwhile
/// queues one more). A look with no progress for ``stallTimeout`` is abandoned and reported as
/// `IOError` "no progress for …", then retried with ``retryBackoff``, once the abandoned look's
/// thread is back (a hung dataset holds at most one written-off thread, so a dead mount cannot
/// eat the pool by retries); the dataset keeps its last exact scan meanwhile. Until a look completes, the status keeps the last count.
package actor DatasetMonitor: LookScheduling {
    /// One look at a dataset: what was seen, the scan to continue from, and the host path
    /// looked at (nil when the location was refused).
    package struct Look: Sendable, Equatable {
        package var ref: ObjectRef
        package var observation: DatasetObservation
        package var scan: ScanResult?
        package var path: String?
    }
    package typealias Sink = @Sendable (Look) async -> Void

    struct Tracked {
        var ref: ObjectRef
        var dataUrl: String
        var format: String
        var scan: ScanResult?
        /// Bumped when the dataset is reconfigured: a look started before is discarded.
        var generation = 0
        var running = false
        /// A look was asked for while one runs (or while backing off).
        var again = false
        /// Consecutive stalled looks (the backoff attempt); the retry waits until `retryAt`.
        var stalls = 0
        var retryAt: ContinuousClock.Instant?
        /// Looks started so far; the abandoned one still stuck in a worker thread, if any (no
        /// other look starts until it returns: one hung dataset holds at most one thread); the
        /// latest look whose thread returned.
        var serial = 0
        var stuck: Int?
        var lastReturned = 0
        /// Callers waiting for the running look, and for the next one.
        var waiters: [CheckedContinuation<Void, Never>] = []
        var nextWaiters: [CheckedContinuation<Void, Never>] = []
    }

    package let locator: DataLocator
    package let rescanInterval: Duration
    /// A look with no progress for this long is abandoned (a hung mount).
    package let stallTimeout: Duration
    package let retryBackoff: Backoff
    private let scanner: DatasetScanner
    private let logger: Logger
    private var sink: Sink?
    private let watcher = FileWatcher()
    private let registry: WatchRegistry
    let pool: ScanPool
    let hook: DatasetLook.Hook?
    /// What the agent's `/healthz` reads.
    package nonisolated let health: MonitorHealth
    /// The agent's Prometheus metrics (the monitor records its scans there).
    package nonisolated let metrics: AgentMetrics
    private var tracked: [SyncKey: Tracked] = [:]
    /// Numbers the looks (monitor-wide, so a dataset forgotten and tracked again never sees an
    /// old look's number).
    private var lastSerial = 0

    /// - Parameters:
    ///   - workers: scan threads; at most `workers` datasets are scanned at once.
    ///   - maxWrittenOff: replacement threads started for workers stuck in a hung look.
    ///   - hook: called on the worker before each scan (tests block in it to stand in for a hung mount).
    package init(
        locator: DataLocator, rescanInterval: Duration = .seconds(30),
        scanner: DatasetScanner = DatasetScanner(options: .init(followSymlinks: false)),
        stallTimeout: Duration = .seconds(30), retryBackoff: Backoff = Backoff(initial: .seconds(5), maximum: .seconds(300)),
        workers: Int = 4, maxWrittenOff: Int = 4, livenessTimeout: Duration? = nil, metrics: AgentMetrics = AgentMetrics(),
        hook: (@Sendable (String) -> Void)? = nil,
        logger: Logger = Logger(label: "edgeai.edge"), sink: Sink? = nil
    ) {
        self.locator = locator
        self.rescanInterval = rescanInterval
        self.scanner = scanner
        self.stallTimeout = stallTimeout
        self.retryBackoff = retryBackoff
        self.logger = logger
        self.sink = sink
        self.hook = hook
        self.registry = WatchRegistry(watcher: watcher)
        self.pool = ScanPool(workers: workers, maxWrittenOff: maxWrittenOff, stallTimeout: stallTimeout)
        self.health = MonitorHealth(pool: pool, limit: livenessTimeout ?? max(stallTimeout * 2, .seconds(60)))
        self.metrics = metrics
    }

    /// Sets where looks go (before tracking anything; looks without a sink are dropped).
    package func setSink(_ sink: @escaping Sink) { self.sink = sink }

    /// Starts (or reconfigures) monitoring of a dataset and asks for a look now. `previous` is
    /// the last scan persisted for it, so a restart rescans incrementally. Returns at once, or
    /// with `wait`, once that look reached the sink.
    package func track(_ ref: ObjectRef, dataUrl: String, format: String, previous: ScanResult?, wait: Bool = false) async {
        var entry = tracked[ref.key] ?? Tracked(ref: ref, dataUrl: dataUrl, format: format, scan: previous)
        if entry.ref.uid != ref.uid || entry.dataUrl != dataUrl || entry.format != format {
            // Another object or another location: the previous count says nothing about it.
            entry.scan = entry.ref.uid == ref.uid ? nil : previous
            entry.generation += 1
            entry.stalls = 0
            entry.retryAt = nil
            entry.stuck = nil
        }
        entry.ref = ref
        entry.dataUrl = dataUrl
        entry.format = format
        tracked[ref.key] = entry
        if wait {
            await withCheckedContinuation { requestLook(at: ref.key, waiter: $0) }
        } else {
            requestLook(at: ref.key, waiter: nil)
        }
    }

    /// Stops monitoring a dataset and releases its watches.
    package func forget(_ key: SyncKey) {
        guard let entry = tracked.removeValue(forKey: key) else { return }
        registry.release(key)
        for waiter in entry.waiters + entry.nextWaiters { waiter.resume() }
    }

    /// The datasets being monitored.
    package var trackedKeys: [SyncKey] { tracked.keys.sorted() }
    /// Runs blocking file-system work (a model's `stat`) on the scan pool, off every actor;
    /// nil when it made no progress for ``stallTimeout`` or the monitor stopped.
    package nonisolated func offActor<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value? {
        switch await pool.run({ _ in work() }) {
        case .done(let value): value
        case .stalled, .cancelled: nil
        }
    }

    /// The scan pool's state (workers, busy, queued, written off).
    nonisolated var poolSnapshot: ScanPool.Snapshot { pool.snapshot }
    /// Datasets left without a watch because inotify ran out of watches.
    nonisolated var unwatchedCount: Int { registry.unwatchedCount }
    /// The watches this monitor holds (each directory counted once).
    package var watchCount: Int { registry.count }
    /// The watches the kernel holds for the monitor's inotify descriptor; nil where unknown.
    package nonisolated func kernelWatchCount() -> Int? { watcher.kernelWatchCount() }

    /// Reads inotify events and rescans periodically until cancelled; then releases inotify
    /// and ends the scan workers.
    package func run() async {
        watcher.start()
        pool.start()
        let events = watcher.events
        // Ticks often enough for the liveness clock, at most every 5 s; rescans per rescanInterval.
        let tick = min(rescanInterval, health.limit / 4, .seconds(5))
        health.monitorTicked()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [weak self] in
                for await batch in events {
                    await self?.handle(batch)
                }
            }
            group.addTask { [weak self] in
                while !Task.isCancelled {
                    do { try await Task.sleep(for: tick) } catch { return }
                    await self?.periodic()
                }
            }
            await withTaskCancellationHandler {
                _ = await group.next()
            } onCancel: { [watcher] in
                watcher.stop()
            }
            group.cancelAll()
        }
        watcher.stop()
        pool.shutdown()
    }

    /// Ticks the liveness clock (proof that this actor runs) and rescans everything once per
    /// ``rescanInterval``.
    private var lastRescan = ContinuousClock.now
    private func periodic() {
        health.monitorTicked()
        guard ContinuousClock.now - lastRescan >= rescanInterval else { return }
        lastRescan = .now
        for key in tracked.keys.sorted() { requestLook(at: key, waiter: nil) }
    }

    func handle(_ batch: [FileEvent]) {
        let dirty = registry.datasets(for: batch, all: Set(tracked.keys))
        for key in dirty.sorted() { requestLook(at: key, waiter: nil) }
    }

    /// Starts a look at `key` on the pool, or (one running, or backing off after a stall) makes
    /// sure one more follows. `waiter` is resumed once a look started after this call is done.
    package func requestLook(at key: SyncKey, waiter: CheckedContinuation<Void, Never>?) {
        guard var entry = tracked[key] else {
            waiter?.resume()
            return
        }
        if entry.running || entry.stuck != nil || entry.retryAt.map({ $0 > .now }) == true {
            entry.again = true
            if let waiter { entry.nextWaiters.append(waiter) }
            tracked[key] = entry
            return
        }
        entry.running = true
        entry.retryAt = nil
        lastSerial += 1
        entry.serial = lastSerial
        entry.waiters += entry.nextWaiters
        entry.nextWaiters = []
        if let waiter { entry.waiters.append(waiter) }
        tracked[key] = entry
        let look = DatasetLook(
            key: key, dataUrl: entry.dataUrl, format: entry.format, previous: entry.scan, locator: locator,
            scanner: scanner, registry: registry, logger: logger, hook: hook)
        let (generation, serial, pool) = (entry.generation, entry.serial, pool)
        Task {
            let outcome = await pool.run { heartbeat in
                let result = look.perform(heartbeat)
                Task { await self.returned(key, serial: serial) }
                return result
            }
            await self.finished(key, generation: generation, serial: serial, outcome)
        }
    }

    /// A look's worker thread is done with it (whether or not it was abandoned): a dataset
    /// whose abandoned look was stuck may be looked at again.
    private func returned(_ key: SyncKey, serial: Int) {
        guard var entry = tracked[key] else {
            registry.release(key)  // forgotten while this look ran: it may have armed watches
            return
        }
        entry.lastReturned = max(entry.lastReturned, serial)
        let unstuck = entry.stuck == serial
        if unstuck { entry.stuck = nil }
        let again = unstuck && entry.again && entry.retryAt.map { $0 <= .now } != false
        if again { entry.again = false }
        tracked[key] = entry
        if again { requestLook(at: key, waiter: nil) }
    }

    private func finished(_ key: SyncKey, generation: Int, serial: Int, _ outcome: ScanPool.Outcome<DatasetLook.Outcome>) async {
        guard var entry = tracked[key] else { return }
        let waiters = entry.waiters
        entry.waiters = []
        entry.running = false
        defer { for waiter in waiters { waiter.resume() } }
        guard entry.generation == generation else {
            // Reconfigured meanwhile: this look is about the old location.
            tracked[key] = entry
            requestLook(at: key, waiter: nil)
            return
        }
        let look: Look
        switch outcome {
        case .cancelled:
            tracked[key] = entry
            return
        case .done(let result):
            entry.scan = result.scan
            entry.stalls = 0
            look = Look(ref: entry.ref, observation: result.observation, scan: result.scan, path: result.path)
            metrics.scanned(result)
            if result.watchesExhaustedFirst {
                logger.warning("inotify watches exhausted (fs.inotify.max_user_watches): datasets without a watch are rescanned every \(rescanInterval)")
            }
        case .stalled:
            var generator = SystemRandomNumberGenerator()
            let delay = retryBackoff.delay(attempt: entry.stalls, using: &generator)
            entry.stalls += 1
            entry.retryAt = .now + delay
            entry.again = true
            if entry.lastReturned < serial { entry.stuck = serial }
            let error = ScanError(
                kind: .io(errno: ETIMEDOUT), path: entry.dataUrl,
                message: "no progress for \(Self.describe(stallTimeout)); scan abandoned, retrying in \(Self.describe(delay))")
            look = Look(ref: entry.ref, observation: .failed(error), scan: entry.scan, path: nil)
            metrics.stalled()
            logger.warning("dataset scan abandoned", metadata: ["dataset": "\(key)", "retryIn": "\(delay)"])
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.retry(key, generation: generation)
            }
        }
        let again = entry.again && entry.retryAt == nil
        if again { entry.again = false }
        tracked[key] = entry
        if again { requestLook(at: key, waiter: nil) }
        await sink?(look)
    }

    private func retry(_ key: SyncKey, generation: Int) {
        guard var entry = tracked[key], entry.generation == generation else { return }
        entry.retryAt = nil
        entry.again = false
        tracked[key] = entry
        requestLook(at: key, waiter: nil)
    }

    /// "30 s", "1.5 s", "200 ms".
    static func describe(_ duration: Duration) -> String {
        let milliseconds = ScanPool.nanoseconds(duration) / 1_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        if milliseconds >= 1000 { return "\(Double(milliseconds) / 1000) s" }
        return "\(milliseconds) ms"
    }
}
