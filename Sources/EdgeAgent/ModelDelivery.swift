package import EdgeAICore
package import EdgeSync
package import Logging
package import RemoteStore

/// Delivers the remote models (`s3://`, `https://`) this node holds into its ``ModelCache``:
/// one task per model (verified, resumable ``Downloader``), at most ``maxConcurrentDownloads``
/// of them transferring at once (the others stay Pending, first come first served), so a node
/// given many models at once neither splits its link many ways nor holds a download's buffers
/// many times over. A model whose state changed
/// (its phase at once, byte progress at most every ``progressInterval``) is named on ``changes``,
/// once until the consumer takes its latest state with ``take(_:)`` — so the stream holds at most
/// one entry per model, and a consumer that falls behind skips intermediate states, never the
/// last. One consumer (the agent) reports each and then calls ``notified(_:_:)``; waiters
/// (``wait(_:timeout:until:)``) see only states the node has taken in.
///
/// A model's version is its (URL, digest) (``ModelCacheIndex/Key``), and for a model without a
/// `digest` also the object's ETag (or Last-Modified): a changed `modelUrl` or `digest`, or a new
/// object uploaded under the same URL (``recheck()``, one HEAD per unpinned Ready model), is
/// downloaded beside the current version, which jobs keep using until the new one is committed
/// (one index write); then the state switches to it. A recheck that cannot reach the store
/// changes nothing: the model stays Ready on the version it has. A version already in the cache is
/// Ready without a transfer (after a restart too). A failed download is retried after
/// ``retryBackoff`` when retrying may help (a cut connection, a stall: the retry resumes with a
/// Range request); refused credentials, a missing object, a digest mismatch (the file is deleted)
/// or a full disk stay `Failed` until the spec changes.
package actor ModelDelivery {
    package enum Phase: String, Sendable, Equatable, Codable {
        case pending = "Pending", downloading = "Downloading", ready = "Ready", failed = "Failed"
    }

    /// What the node says about one model's delivery.
    package struct State: Sendable, Equatable {
        package var phase: Phase
        package var bytesDone: Int64 = 0
        package var bytesTotal: Int64?
        /// The digest of the version being delivered (the spec's), or of the file delivered.
        package var digest: String?
        /// The version jobs should use: its cache id and file (the previous version's while a new
        /// one downloads); nil until one is ready.
        package var version: String?
        package var path: String?
        /// Why it failed (`AccessDenied`, `NotFound`, `DigestMismatch`, `InsufficientSpace`, …).
        package var reason: String?
        package var message: String?
    }

    struct Tracked {
        var url: String
        var digest: String?
        var credentialName: String?
        var generation = 0
        var state = State(phase: .pending)
        /// The latest state the consumer of ``changes`` took in.
        var notified: State?
        var task: Task<Void, Never>?
        var failures = 0
        var lastProgressReport: ContinuousClock.Instant?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    package nonisolated let cache: ModelCache
    let client: RemoteClient
    let downloader: Downloader
    let credentials: any CredentialProvider
    let allowInsecureHTTP: Bool
    package let retryBackoff: Backoff
    package let progressInterval: Duration
    private let logger: Logger
    /// Models whose state changed since the consumer last took it (each named once).
    package nonisolated let changes: AsyncStream<SyncKey>
    private let continuation: AsyncStream<SyncKey>.Continuation
    private var untaken: Set<SyncKey> = []
    private var tracked: [SyncKey: Tracked] = [:]
    /// Transfers allowed at once.
    package let maxConcurrentDownloads: Int
    private var downloadsRunning = 0
    /// Transfers waiting for a slot, oldest first; each resumed with `true` when handed one.
    private var slotWaiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextWaiterID: UInt64 = 0

    package init(
        cache: ModelCache, client: RemoteClient, downloader: Downloader.Configuration = .init(),
        credentials: any CredentialProvider = NoCredentials(), allowInsecureHTTP: Bool = false,
        retryBackoff: Backoff = Backoff(initial: .seconds(5), maximum: .seconds(300)), progressInterval: Duration = .seconds(1),
        maxConcurrentDownloads: Int = 2, logger: Logger = Logger(label: "edgeai.edge")
    ) {
        precondition(maxConcurrentDownloads > 0, "maxConcurrentDownloads must be positive")
        self.maxConcurrentDownloads = maxConcurrentDownloads
        self.cache = cache
        self.client = client
        self.downloader = Downloader(client: client, configuration: downloader)
        self.credentials = credentials
        self.allowInsecureHTTP = allowInsecureHTTP
        self.retryBackoff = retryBackoff
        self.progressInterval = progressInterval
        self.logger = logger
        (changes, continuation) = AsyncStream.makeStream(of: SyncKey.self)
    }

    /// The consumer of ``changes`` took `state` in: waiters may see it.
    package func notified(_ key: SyncKey, _ state: State) {
        guard tracked[key] != nil else { return }
        tracked[key]?.notified = state
        wakeAll(key)
    }

    /// Delivers `url` (checked against `digest` when given) for `key`; nothing new when that
    /// version is already being delivered.
    package func deliver(_ key: SyncKey, url: String, digest: String?, credentialName: String?) async {
        if let entry = tracked[key], entry.url == url, entry.digest == digest, entry.credentialName == credentialName { return }
        var entry = tracked[key] ?? Tracked(url: url, digest: digest, credentialName: credentialName)
        entry.task?.cancel()
        entry.url = url
        entry.digest = digest
        entry.credentialName = credentialName
        entry.generation += 1
        entry.failures = 0
        // The current version (if any) stays what jobs use until the new one is ready.
        entry.state = State(phase: .pending, digest: digest, version: entry.state.version, path: entry.state.path)
        tracked[key] = entry
        changed(key)
        start(key)
    }

    /// Stops delivering a model (a transfer in flight is cancelled; its partial file stays for
    /// a later resume) and lets the cache evict its version.
    package func forget(_ key: SyncKey) async {
        guard let entry = tracked.removeValue(forKey: key) else { return }
        entry.task?.cancel()
        for waiter in entry.waiters { waiter.resume() }
        try? await cache.forget(model: Self.modelName(key))
    }

    /// The credential `name` in `namespace` arrived, changed or went: a model using it whose
    /// delivery failed is tried again now; one ready or under way is left alone.
    package func credentialsChanged(named name: String, namespace: String) {
        for (key, entry) in tracked
        where key.namespace == namespace && (entry.credentialName ?? CredentialNames.fallback) == name && entry.state.phase == .failed {
            entry.task?.cancel()
            tracked[key]?.generation += 1
            tracked[key]?.failures = 0
            tracked[key]?.state = State(phase: .pending, digest: entry.digest, version: entry.state.version, path: entry.state.path)
            changed(key)
            start(key)
        }
    }

    package func state(_ key: SyncKey) -> State? { tracked[key]?.state }

    /// The latest state of a model named on ``changes`` (nil once it is no longer delivered here);
    /// a later change names it again.
    package func take(_ key: SyncKey) -> State? {
        untaken.remove(key)
        return tracked[key]?.state
    }

    /// Waits until the latest state the node took in satisfies `condition`, at most `timeout`
    /// (at once when `key` is not delivered here).
    package func wait(_ key: SyncKey, timeout: Duration, until condition: @escaping @Sendable (State) -> Bool) async -> State? {
        let deadline = ContinuousClock.now + timeout
        while let entry = tracked[key], !(entry.notified.map(condition) ?? false), ContinuousClock.now < deadline {
            let timer = Task { [weak self] in
                try? await Task.sleep(until: deadline)
                await self?.wakeAll(key)
            }
            await withCheckedContinuation { continuation in tracked[key]?.waiters.append(continuation) }
            timer.cancel()
        }
        return tracked[key]?.notified
    }

    private func wakeAll(_ key: SyncKey) {
        guard let waiters = tracked[key]?.waiters else { return }
        tracked[key]?.waiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels every transfer (on the agent's shutdown) without waiting for them: a transfer
    /// stuck connecting ends when the client shuts down; its partial file stays for the resume.
    package func stop() {
        for entry in tracked.values { entry.task?.cancel() }
        continuation.finish()
    }

    static func modelName(_ key: SyncKey) -> String { "\(key.namespace)/\(key.name)" }

    /// Asks the store whether each Ready model without a `digest` changed under its URL (one HEAD
    /// each); a changed one is delivered as a new version. Returns once those checks (and any
    /// transfer they started) ended. Called every rescan interval.
    package func recheck() async {
        var checks: [Task<Void, Never>] = []
        for (key, entry) in tracked where entry.digest == nil && entry.state.phase == .ready && entry.task == nil {
            start(key, recheck: true)
            if let task = tracked[key]?.task { checks.append(task) }
        }
        for check in checks { await check.value }
    }

    /// Rechecks every `interval` until cancelled.
    package func run(recheckEvery interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await recheck()
        }
    }

    private func start(_ key: SyncKey, recheck: Bool = false) {
        guard var entry = tracked[key] else { return }
        let (generation, url, digest, credentialName) = (entry.generation, entry.url, entry.digest, entry.credentialName)
        let current = recheck ? entry.state.version : nil
        entry.task = Task { [weak self] in
            guard let self else { return }
            let outcome = await self.transfer(
                key, generation: generation, url: url, digest: digest, credentialName: credentialName, unlessVersion: current)
            await self.finished(key, generation: generation, outcome)
        }
        tracked[key] = entry
    }

    enum Outcome: Sendable {
        case ready(path: String, version: String, size: Int64, digest: String)
        case failed(reason: String, message: String, retryable: Bool)
        /// A recheck found the version in use (or one it cannot tell apart): nothing changes.
        case unchanged
        case cancelled
    }

    /// Delivers the model's version; with `unlessVersion` (a recheck) it returns ``Outcome/unchanged``
    /// when the object is still that version or gives no validator.
    private nonisolated func transfer(
        _ key: SyncKey, generation: Int, url: String, digest: String?, credentialName: String?, unlessVersion current: String? = nil
    ) async -> Outcome {
        var cacheKey = ModelCacheIndex.Key(url: url, digest: digest)
        do {
            let expected = try digest.map { text throws(RemoteError) in try ContentDigest(parsing: text) }
            let location = try RemoteLocation(parsing: url, allowInsecureHTTP: allowInsecureHTTP)
            let source: RemoteSource
            switch location {
            case .s3:
                let access = try await credentials.access(named: credentialName ?? CredentialNames.fallback, namespace: key.namespace)
                source = try RemoteSource(location: location, endpoint: access.endpoint, credentials: access.credentials)
            case .http:
                source = try RemoteSource(location: location)
            }
            let model = Self.modelName(key)
            if digest == nil {
                // Unpinned: the object's own validator names the version.
                let info = try await client.head(source)
                cacheKey.version = info.etag ?? info.lastModified
                // A recheck: the same version, or a store that gives no validator, changes nothing.
                if let current, cacheKey.version == nil || cacheKey.id == current { return .unchanged }
            }
            if let ready = try await cache.cached(key: cacheKey, fileName: url) {
                try await cache.commit(model: model, key: cacheKey, size: ready.size)
                return .ready(path: ready.path, version: cacheKey.id, size: ready.size, digest: ready.digest ?? digest ?? "")
            }
            let destination = try await cache.destination(for: cacheKey, fileName: url)
            guard await acquireDownloadSlot() else { return .cancelled }
            let result: Downloader.Result
            do {
                await running(key, generation: generation)
                result = try await downloader.download(source, to: destination, expecting: expected) { [weak self] progress in
                    Task { await self?.progressed(key, generation: generation, progress) }
                }
            } catch {
                await releaseDownloadSlot()
                throw error
            }
            await releaseDownloadSlot()
            try await cache.commit(model: model, key: cacheKey, size: result.size, digest: result.digest.description)
            return .ready(path: result.path, version: cacheKey.id, size: result.size, digest: result.digest.description)
        } catch let error as RemoteError {
            let message = RemoteLook.redacted(error.message, url: url)
            return .failed(reason: Self.reason(error.code), message: message, retryable: error.isRetryable)
        } catch is CancellationError {
            return .cancelled
        } catch {
            return .failed(reason: "IOError", message: "\(String(describing: error).prefix(200))", retryable: true)
        }
    }

    static func reason(_ code: RemoteError.Code) -> String {
        switch code {
        case .digestMismatch: "DigestMismatch"
        case .insufficientSpace: "InsufficientSpace"
        case .fileSystem: "IOError"
        default: RemoteLook.reason(code)
        }
    }

    /// Waits for one of the ``maxConcurrentDownloads`` slots; false, holding none, when the task
    /// is cancelled first.
    private func acquireDownloadSlot() async -> Bool {
        if downloadsRunning < maxConcurrentDownloads {
            downloadsRunning += 1
            return true
        }
        nextWaiterID += 1
        let id = nextWaiterID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume(returning: false) } else { slotWaiters.append((id, continuation)) }
            }
        } onCancel: {
            Task { await self.abandonSlotWait(id) }
        }
    }

    private func abandonSlotWait(_ id: UInt64) {
        guard let index = slotWaiters.firstIndex(where: { $0.id == id }) else { return }
        slotWaiters.remove(at: index).continuation.resume(returning: false)
    }

    /// Hands the slot to the oldest waiter, or frees it.
    private func releaseDownloadSlot() {
        if slotWaiters.isEmpty {
            downloadsRunning -= 1
        } else {
            slotWaiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func running(_ key: SyncKey, generation: Int) async {
        guard tracked[key]?.generation == generation, tracked[key]?.state.phase != .downloading else { return }
        tracked[key]?.state.phase = .downloading
        changed(key)
    }

    private func progressed(_ key: SyncKey, generation: Int, _ progress: Downloader.Progress) async {
        guard var entry = tracked[key], entry.generation == generation, entry.state.phase == .downloading,
            progress.bytesDone >= entry.state.bytesDone
        else { return }
        entry.state.bytesDone = progress.bytesDone
        entry.state.bytesTotal = progress.totalBytes
        let now = ContinuousClock.now
        let due = entry.lastProgressReport.map { now - $0 >= progressInterval } ?? true
        if due { entry.lastProgressReport = now }
        tracked[key] = entry
        if due { changed(key) }
    }

    private func finished(_ key: SyncKey, generation: Int, _ outcome: Outcome) async {
        guard var entry = tracked[key], entry.generation == generation else { return }
        entry.task = nil
        switch outcome {
        case .cancelled, .unchanged:
            tracked[key] = entry
            return
        case .failed(let reason, _, _) where entry.state.phase == .ready:
            // Only a recheck fails while Ready, before any transfer (the store or its credential
            // unreachable): the model keeps the version it has; the next recheck asks again.
            logger.debug("model recheck failed", metadata: ["model": "\(key)", "reason": "\(reason)"])
            tracked[key] = entry
            return
        case .ready(let path, let version, let size, let digest):
            entry.failures = 0
            entry.state = State(phase: .ready, bytesDone: size, bytesTotal: size, digest: digest, version: version, path: path)
        case .failed(let reason, let message, let retryable):
            entry.state.phase = .failed
            entry.state.reason = reason
            entry.state.message = message
            logger.info("model delivery failed", metadata: ["model": "\(key)", "reason": "\(reason)"])
            if retryable {
                let delay = retryBackoff.delay(attempt: entry.failures)
                entry.failures += 1
                entry.task = Task { [weak self] in
                    do { try await Task.sleep(for: delay) } catch { return }
                    await self?.retry(key, generation: generation)
                }
            }
        }
        tracked[key] = entry
        changed(key)
    }

    private func retry(_ key: SyncKey, generation: Int) {
        guard tracked[key]?.generation == generation else { return }
        start(key)
    }

    private func changed(_ key: SyncKey) {
        guard tracked[key] != nil, untaken.insert(key).inserted else { return }
        continuation.yield(key)
    }
}
