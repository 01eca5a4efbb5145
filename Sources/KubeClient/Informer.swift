public import EdgeAIAPI
public import EdgeAICore
public import Logging
public import ServiceLifecycle
import Synchronization

/// A list+watch cache of one kind of object, run as a `Service` until cancelled or shut down.
///
/// It lists (all pages), then watches from the list's resourceVersion with bookmarks. When the
/// watch ends normally it watches again from the last resourceVersion seen; on 410 Expired or a
/// broken stream it lists again and emits exactly the difference against its cache (see
/// ``relistDiff(cached:listed:)``), so deletes made while disconnected are never missed and no
/// resourceVersion yields two events. Events reach ``events`` in the order the cache applied them.
/// It does not resync periodically and never writes to the server.
public final class Informer<Object: KubernetesObject>: Service, Sendable {
    public struct Configuration: Sendable {
        /// `nil` watches all namespaces.
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?
        /// List page size.
        public var pageSize: Int = 500
        /// Custom indexes by name, beside the built-in ``ObjectCache/namespaceIndex``.
        public var indexers: [String: ObjectCache<Object>.IndexFunction] = [:]
        /// Applied to every object before it is cached; the default drops `managedFields`.
        public var transform: @Sendable (Object) -> Object = { object in
            var copy = object
            copy.metadata.managedFields = nil
            return copy
        }
        /// Server-side watch timeout range; each watch draws one (client-go uses 5–10 minutes).
        public var watchTimeoutSeconds: ClosedRange<Int> = 300...600
        /// Delay before relisting after a failure.
        public var backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(30))

        public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) {
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
        }
    }

    struct State {
        var cache: ObjectCache<Object>
        var resourceVersion: String?
        var synced = false
        var stopped = false
        var relists = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    public let client: KubeClient
    public let configuration: Configuration
    /// Every change, in order, for one consumer; a consumer that falls more than
    /// `eventQueueLimit` events behind receives merged transitions (see ``InformerEvents``).
    public var events: InformerEvents<Object> { InformerEvents(queue: queue) }
    private let queue: InformerEventQueue<Object>
    private let state: Mutex<State>
    private let logger: Logger

    public init(
        client: KubeClient, configuration: Configuration = Configuration(),
        eventQueueLimit: Int = 10_000,
        logger: Logger = Logger(label: "edgeai.informer")
    ) {
        self.client = client
        self.configuration = configuration
        queue = InformerEventQueue(limit: eventQueueLimit)
        state = Mutex(State(cache: ObjectCache(indexers: configuration.indexers)))
        self.logger = logger
    }

    // MARK: Reading the cache

    /// True once the first list has been applied.
    public var hasSynced: Bool { state.withLock { $0.synced } }
    /// The resourceVersion the informer would resume a watch from.
    public var resourceVersion: String? { state.withLock { $0.resourceVersion } }
    /// How many lists were made (1 after the initial sync; more after 410s and broken streams).
    public var listCount: Int { state.withLock { $0.relists } }
    public var count: Int { state.withLock { $0.cache.count } }

    public func get(_ key: ObjectKeyName) -> Object? { state.withLock { $0.cache[key] } }
    public func get(namespace: String, name: String) -> Object? { get(ObjectKeyName(namespace: namespace, name: name)) }

    /// Cached objects, sorted by key; only `namespace`'s when given.
    public func list(namespace: String? = nil) -> [Object] {
        state.withLock { s in
            if let namespace { return s.cache.objects(index: ObjectCache<Object>.namespaceIndex, value: namespace) }
            return s.cache.items.keys.sorted().compactMap { s.cache[$0] }
        }
    }

    /// Cached objects whose `index` function yields `value`, sorted by key.
    public func byIndex(_ index: String, _ value: String) -> [Object] {
        state.withLock { $0.cache.objects(index: index, value: value) }
    }

    /// Returns once the first list has been applied; throws `CancellationError` if the waiting
    /// task is cancelled or the informer stops first.
    public func waitForSync() async throws {
        let id = state.withLock { s in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Bool? = state.withLock { s in
                    if s.synced { return true }
                    if s.stopped || Task.isCancelled { return false }
                    s.waiters[id] = continuation
                    return nil
                }
                switch outcome {
                case true: continuation.resume()
                case false: continuation.resume(throwing: CancellationError())
                default: break
                }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    // MARK: Running

    /// Lists and watches until cancelled or graceful shutdown; then finishes ``events``.
    public func run() async throws {
        defer { stop() }
        do {
            try await cancelWhenGracefulShutdown { try await self.loop() }
        } catch is CancellationError {
            return
        }
    }

    private func loop() async throws {
        var needList = true
        var failures = 0
        while !Task.isCancelled {
            do {
                if needList {
                    try await relist()
                    needList = false
                    failures = 0
                }
                try await watchOnce()
            } catch is CancellationError {
                return
            } catch let error as KubeError where error.isGone {
                logger.debug("watch expired, relisting: \(error)")
                needList = true
            } catch {
                if Task.isCancelled { return }
                logger.debug("list/watch failed, relisting: \(error)")
                needList = true
                try await Task.sleep(for: configuration.backoff.delay(attempt: failures))
                failures += 1
            }
        }
    }

    /// Lists every page and applies the difference against the cache.
    func relist() async throws {
        var options = ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
        options.limit = configuration.pageSize
        let list = try await client.list(Object.self, namespace: configuration.namespace, options: options)
        let transform = configuration.transform
        let listed = list.items.map(transform)
        state.withLock { s in
            for event in relistDiff(cached: s.cache.items, listed: listed) {
                switch event {
                case .added(let o), .updated(_, let o): s.cache.upsert(o)
                case .deleted(let o): s.cache.remove(o.key)
                }
                queue.push(event)
            }
            s.resourceVersion = list.metadata.resourceVersion
            s.relists += 1
            s.synced = true
            let waiters = s.waiters
            s.waiters = [:]
            for waiter in waiters.values { waiter.resume() }
        }
    }

    /// Watches from the current resourceVersion until the stream ends; errors propagate.
    func watchOnce() async throws {
        var options = ListOptions(labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
        options.resourceVersion = resourceVersion
        options.allowWatchBookmarks = true
        options.timeoutSeconds = Int.random(in: configuration.watchTimeoutSeconds)
        let stream = try await client.watch(Object.self, namespace: configuration.namespace, options: options)
        for try await event in stream {
            apply(event)
        }
        if Task.isCancelled { throw CancellationError() }
    }

    func apply(_ event: WatchStream<Object>.Event) {
        state.withLock { s in
            switch event {
            case .added(let raw), .modified(let raw):
                let object = configuration.transform(raw)
                if let rv = object.metadata.resourceVersion { s.resourceVersion = rv }
                let old = s.cache[object.key]
                if let old, old.metadata.resourceVersion == object.metadata.resourceVersion, old.metadata.uid == object.metadata.uid {
                    return
                }
                s.cache.upsert(object)
                queue.push(old.map { .updated(old: $0, new: object) } ?? .added(object))
            case .deleted(let raw):
                let object = configuration.transform(raw)
                if let rv = object.metadata.resourceVersion { s.resourceVersion = rv }
                if s.cache.remove(object.key) != nil { queue.push(.deleted(object)) }
            case .bookmark(let rv):
                if !rv.isEmpty { s.resourceVersion = rv }
            }
        }
    }

    private func stop() {
        let waiters = state.withLock { s in
            s.stopped = true
            let waiters = s.waiters
            s.waiters = [:]
            return waiters
        }
        for waiter in waiters.values { waiter.resume(throwing: CancellationError()) }
        queue.finish()
    }
}
