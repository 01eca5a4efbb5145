package import EdgeAICore
package import EdgeSync
package import Logging
package import RemoteStore

/// Counts the datasets whose `dataUrl` is remote (`s3://`, `https://`, `http://` when allowed),
/// apart from ``DatasetMonitor``: its looks are async network work in their own tasks, at most
/// ``maximumConcurrent`` at once, so a slow or dead store never holds a scan thread or delays a
/// local dataset.
///
/// Each tracked dataset is looked at when tracked (or reconfigured) and every
/// ``rescanInterval``; after a count the next look is conditional (ETag / Last-Modified), so an
/// unchanged index costs a 304 and no body. A failed look (403, 404, unreachable, no progress
/// for the client's stall timeout) is reported and the dataset is not asked again before
/// ``retryBackoff``'s delay for its consecutive failures has passed, whatever the rescans or
/// inotify say: refused credentials cause one request per backoff step, not a storm. A change of
/// location, format, credential name or `localCopy` starts afresh. A dataset with `localCopy`
/// keeps its copy's path for jobs while its store cannot be reached (the last copy stays usable
/// offline), until the dataset changes or goes.
package actor RemoteDatasetMonitor: LookScheduling {
    package typealias Sink = DatasetMonitor.Sink

    struct Tracked {
        var ref: ObjectRef
        var dataUrl: String
        var format: String
        var credentialName: String?
        var localCopy = false
        /// The local copy's path (with `localCopy`, once one was made).
        var path: String?
        /// Bumped on reconfiguration: a look started before is discarded.
        var generation = 0
        var running = false
        var again = false
        var last: RemoteCount?
        var validators: RemoteCounter.Validators?
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var task: Task<Void, Never>?
        var waiters: [CheckedContinuation<Void, Never>] = []
        var nextWaiters: [CheckedContinuation<Void, Never>] = []
    }

    package nonisolated let client: RemoteClient
    package let rescanInterval: Duration
    package let maximumConcurrent: Int
    package let retryBackoff: Backoff
    package let allowInsecureHTTP: Bool
    /// Keys per listing page when counting an S3 prefix (S3's maximum, 1000, by default).
    package let listPageSize: Int
    let credentials: any CredentialProvider
    /// Where the copies of `localCopy` datasets go; nil: none are kept.
    let copies: DatasetCopies?
    private let logger: Logger
    private var sink: Sink?
    private var tracked: [SyncKey: Tracked] = [:]
    /// Datasets waiting for a free slot, in order.
    private var queue: [SyncKey] = []
    private var active = 0
    /// Looks started so far (each is one remote request, or a listing).
    package private(set) var looksStarted = 0

    package init(
        client: RemoteClient, credentials: any CredentialProvider = NoCredentials(), allowInsecureHTTP: Bool = false,
        rescanInterval: Duration = .seconds(30), maximumConcurrent: Int = 4,
        retryBackoff: Backoff = Backoff(initial: .seconds(30), maximum: .seconds(600)), listPageSize: Int = 1000,
        copies: DatasetCopies? = nil, logger: Logger = Logger(label: "edgeai.edge")
    ) {
        self.copies = copies
        self.listPageSize = min(max(listPageSize, 1), 1000)
        self.client = client
        self.credentials = credentials
        self.allowInsecureHTTP = allowInsecureHTTP
        self.rescanInterval = rescanInterval
        self.maximumConcurrent = max(1, maximumConcurrent)
        self.retryBackoff = retryBackoff
        self.logger = logger
    }

    /// Sets where looks go (before tracking anything).
    package func setSink(_ sink: @escaping Sink) { self.sink = sink }

    /// Starts (or reconfigures) counting a remote dataset and asks for a look now; with `wait`,
    /// returns once that look reached the sink (or at once while the dataset backs off).
    package func track(
        _ ref: ObjectRef, dataUrl: String, format: String, credentialName: String?, localCopy: Bool = false, wait: Bool = false
    ) async {
        var entry = tracked[ref.key] ?? Tracked(ref: ref, dataUrl: dataUrl, format: format, credentialName: credentialName, localCopy: localCopy)
        if entry.ref.uid != ref.uid || entry.dataUrl != dataUrl || entry.format != format || entry.credentialName != credentialName
            || entry.localCopy != localCopy
        {
            entry.generation += 1
            entry.path = nil
            entry.last = nil
            entry.validators = nil
            entry.failures = 0
            entry.retryAt = nil
        }
        entry.ref = ref
        entry.dataUrl = dataUrl
        entry.format = format
        entry.credentialName = credentialName
        entry.localCopy = localCopy
        tracked[ref.key] = entry
        if wait {
            await withCheckedContinuation { requestLook(at: ref.key, waiter: $0) }
        } else {
            requestLook(at: ref.key, waiter: nil)
        }
    }

    /// Stops counting a dataset (a look in flight is cancelled).
    package func forget(_ key: SyncKey) async {
        guard let entry = untrack(key) else { return }
        // Its copy stays until evicted (jobs may still read it), but no longer counts as in use.
        if entry.localCopy, let copies { await copies.forget("\(key.namespace)/\(key.name)") }
    }

    private func untrack(_ key: SyncKey) -> Tracked? {
        guard let entry = tracked.removeValue(forKey: key) else { return nil }
        entry.task?.cancel()
        queue.removeAll { $0 == key }
        for waiter in entry.waiters + entry.nextWaiters { waiter.resume() }
        return entry
    }

    /// The credential `name` in `namespace` arrived, changed or went: the datasets using it look
    /// again now, whatever their backoff (a fixed key takes effect at once).
    package func credentialsChanged(named name: String, namespace: String) {
        for (key, entry) in tracked where key.namespace == namespace && (entry.credentialName ?? CredentialNames.fallback) == name {
            tracked[key]?.failures = 0
            tracked[key]?.retryAt = nil
            requestLook(at: key, waiter: nil)
        }
    }

    /// The remote datasets being counted.
    package var trackedKeys: [SyncKey] { tracked.keys.sorted() }

    /// Rescans every ``rescanInterval`` until cancelled; then cancels the looks in flight
    /// without waiting for them (a look stuck connecting ends when the client shuts down) and
    /// reports nothing more.
    package func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: rescanInterval) } catch { break }
            for key in tracked.keys.sorted() { requestLook(at: key, waiter: nil) }
        }
        stopped = true
        for entry in tracked.values { entry.task?.cancel() }
    }

    private var stopped = false

    package func requestLook(at key: SyncKey, waiter: CheckedContinuation<Void, Never>?) {
        guard var entry = tracked[key] else {
            waiter?.resume()
            return
        }
        if let retryAt = entry.retryAt, retryAt > .now {
            waiter?.resume()  // backing off: no request before retryAt
            return
        }
        if entry.running {
            entry.again = true
            if let waiter { entry.nextWaiters.append(waiter) }
            tracked[key] = entry
            return
        }
        if let waiter { entry.waiters.append(waiter) }
        tracked[key] = entry
        if !queue.contains(key) { queue.append(key) }
        startQueued()
    }

    private func startQueued() {
        while !stopped, active < maximumConcurrent, !queue.isEmpty {
            let key = queue.removeFirst()
            guard var entry = tracked[key], !entry.running else { continue }
            let look = RemoteLook(
                dataUrl: entry.dataUrl, format: entry.format, namespace: key.namespace, name: key.name, credentialName: entry.credentialName,
                validators: entry.last == nil ? nil : entry.validators, client: client, credentials: credentials,
                allowInsecureHTTP: allowInsecureHTTP, listPageSize: listPageSize, copies: copies, localCopy: entry.localCopy)
            let generation = entry.generation
            entry.running = true
            active += 1
            looksStarted += 1
            entry.task = Task {
                let result = await look.perform()
                await self.finished(key, generation: generation, result)
            }
            tracked[key] = entry
        }
    }

    private func finished(_ key: SyncKey, generation: Int, _ result: RemoteLook.Result) async {
        active -= 1
        defer { startQueued() }
        guard !stopped else {
            _ = untrack(key)  // stopping: the copy stays in use
            return
        }
        guard var entry = tracked[key] else { return }
        entry.running = false
        entry.task = nil
        guard entry.generation == generation else {
            // Reconfigured meanwhile: this look is about the old location; look at the new one.
            entry.nextWaiters = entry.waiters + entry.nextWaiters
            entry.waiters = []
            entry.again = false
            tracked[key] = entry
            requestLook(at: key, waiter: nil)
            moveWaiters(key)
            return
        }
        let waiters = entry.waiters
        entry.waiters = entry.nextWaiters
        entry.nextWaiters = []
        let observation: DatasetObservation
        switch result {
        case .counted(let count, let validators, let path):
            entry.last = count
            entry.validators = validators
            entry.path = path
            entry.failures = 0
            entry.retryAt = nil
            observation = .remoteCounted(count)
        case .unchanged:
            entry.failures = 0
            entry.retryAt = nil
            if let last = entry.last {
                observation = .remoteCounted(last)
            } else {
                observation = .remoteFailed(RemoteFailure(
                    reason: "RemoteError", message: "\(entry.dataUrl): unchanged, but never counted", source: nil))
            }
        case .failed(let failure):
            entry.last = nil
            entry.validators = nil
            let delay = retryBackoff.delay(attempt: entry.failures)
            entry.failures += 1
            entry.retryAt = .now + delay
            observation = .remoteFailed(failure)
            logger.debug("remote dataset look failed", metadata: ["dataset": "\(key)", "reason": "\(failure.reason)", "retryIn": "\(delay)"])
        }
        let again = entry.again
        entry.again = false
        tracked[key] = entry
        if again { requestLook(at: key, waiter: nil) }
        moveWaiters(key)
        await sink?(DatasetMonitor.Look(ref: entry.ref, observation: observation, scan: nil, path: entry.path))
        for waiter in waiters { waiter.resume() }
    }

    /// Waiters for a next look that will not start (backing off) are resumed now.
    private func moveWaiters(_ key: SyncKey) {
        guard var entry = tracked[key], !entry.running, !queue.contains(key) else { return }
        let waiting = entry.waiters + entry.nextWaiters
        entry.waiters = []
        entry.nextWaiters = []
        tracked[key] = entry
        for waiter in waiting { waiter.resume() }
    }
}
