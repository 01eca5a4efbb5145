package import EdgeAICore
package import EdgeSync
import Foundation
package import Logging
import NIOPosix
package import RemoteStore
package import ServiceLifecycle

/// The hub client as the agent runs it: a service that connects, resyncs and sends reports.
package protocol HubUplink: Service, ReportUplink {}

/// The edge agent (`edgeai edge`): restores the node's objects from its store, monitors the
/// datasets' data and the models' files, serves the local API for jobs, and keeps in step with
/// the hub through the uplink the caller makes (none: the agent runs offline, reports wait in
/// the outbox).
///
/// A `Service`: `run()` opens the store (`<dataDirectory>/agent.sqlite`), restores, runs the
/// monitor, the local API, the uplink and the periodic model check until graceful shutdown or
/// cancellation, then closes the store. Starts no task in `init`.
package struct EdgeAgent: Service {
    package struct Configuration: Sendable {
        package var node: String
        package var dataDirectory: String
        /// Where the node's filesystem is mounted in this process (`/` on the host itself).
        package var root: String
        /// Node paths under which datasets and models may be read.
        package var allow: [String]
        package var apiHost: String
        /// 0 picks a free port; ``onAPIListening`` receives the bound one.
        package var apiPort: Int
        /// How often every dataset and model is looked at again, whatever inotify said.
        package var rescanInterval: Duration
        /// The longest time between two reports about an object.
        package var heartbeatInterval: Duration
        /// How often the agent returns memory it holds but does not use to the kernel (free
        /// heap, code pages); nil never. Costs a few ms of page faults per interval.
        package var memoryTrimInterval: Duration?
        /// A dataset look with no progress for this long is abandoned (`IOError`) and retried.
        package var stallTimeout: Duration = .seconds(30)
        /// Threads scanning datasets (at most this many datasets are scanned at once).
        package var scanWorkers: Int = 4
        /// `/healthz` answers 503 once the monitor made no progress for this long (nil: twice
        /// ``stallTimeout``, at least 60 s).
        package var livenessTimeout: Duration?
        /// Whether `http://` data URLs and S3 endpoints are accepted (`--allow-http`).
        package var allowInsecureHTTP = false
        /// Where `s3://` credentials come from when the hub delivered no Secret of that name
        /// (`--credentials-dir`: ``CredentialsDirectory``).
        package var credentials: any CredentialProvider = NoCredentials()
        /// How remote data is fetched (TLS trust, the no-progress timeout).
        package var remote = RemoteClient.Configuration()
        /// Remote datasets counted at once.
        package var remoteConcurrency = 4
        /// How long a remote dataset whose look failed waits before it is asked again.
        package var remoteRetryBackoff = Backoff(initial: .seconds(30), maximum: .seconds(600))
        /// Keys per listing page when counting an S3 prefix.
        package var remoteListPageSize = 1000
        /// The model cache's size (`<dataDirectory>/models`): least-recently-used versions no
        /// model uses are evicted beyond it.
        package var modelCacheBytes: Int64 = 10 << 30
        /// The size of the copies of `localCopy` datasets (`<dataDirectory>/dataset-copies`):
        /// least-recently-used versions no dataset uses are evicted beyond it.
        package var datasetCopyBytes: Int64 = 10 << 30
        /// How models are downloaded (free space kept, buffer size).
        package var downloader = Downloader.Configuration()
        /// Model downloads transferring at once; the others wait, Pending.
        package var concurrentModelDownloads = 2
        /// How long a model download that failed retryably (cut, stalled) waits before resuming.
        package var modelRetryBackoff = Backoff(initial: .seconds(5), maximum: .seconds(300))
        package var onAPIListening: @Sendable (Int) async -> Void

        package init(
            node: String, dataDirectory: String, root: String = "/", allow: [String], apiHost: String = "127.0.0.1",
            apiPort: Int = 7070, rescanInterval: Duration = .seconds(30), heartbeatInterval: Duration = .seconds(300),
            memoryTrimInterval: Duration? = .seconds(10), onAPIListening: @escaping @Sendable (Int) async -> Void = { _ in }
        ) {
            self.node = node
            self.dataDirectory = dataDirectory
            self.root = root
            self.allow = allow
            self.apiHost = apiHost
            self.apiPort = apiPort
            self.rescanInterval = rescanInterval
            self.heartbeatInterval = heartbeatInterval
            self.memoryTrimInterval = memoryTrimInterval
            self.onAPIListening = onAPIListening
        }

        package var databasePath: String { dataDirectory + "/agent.sqlite" }
    }

    /// Makes the hub client once the node is restored: it gets the node as its store and the
    /// pending reports as its initial outbox.
    package typealias UplinkFactory = @Sendable (EdgeNode, ReportOutbox) async throws -> any HubUplink

    package let configuration: Configuration
    let makeUplink: UplinkFactory?
    let logger: Logger

    package init(configuration: Configuration, logger: Logger, uplink: UplinkFactory?) {
        self.configuration = configuration
        self.logger = logger
        self.makeUplink = uplink
    }

    package func run() async throws {
        // One client for all remote data, shut down on every path.
        let client = RemoteClient(configuration: configuration.remote, logger: logger)
        do { try await run(client: client) } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        logger.info("edge agent stopped")
    }

    private func run(client: RemoteClient) async throws {
        let locator = try DataLocator(root: configuration.root, allow: configuration.allow)
        let store = try AgentStore(path: configuration.databasePath)
        defer { store.close() }
        let monitor = DatasetMonitor(
            locator: locator, rescanInterval: configuration.rescanInterval, stallTimeout: configuration.stallTimeout,
            workers: configuration.scanWorkers, livenessTimeout: configuration.livenessTimeout, logger: logger)
        let credentials = HeldCredentials(fallback: configuration.credentials, allowInsecureHTTP: configuration.allowInsecureHTTP)
        let copies = DatasetCopies(
            cache: try await ModelCache(root: configuration.dataDirectory + "/dataset-copies", limitBytes: configuration.datasetCopyBytes),
            client: client, downloader: configuration.downloader)
        let remote = RemoteDatasetMonitor(
            client: client, credentials: credentials, allowInsecureHTTP: configuration.allowInsecureHTTP,
            rescanInterval: configuration.rescanInterval, maximumConcurrent: configuration.remoteConcurrency,
            retryBackoff: configuration.remoteRetryBackoff, listPageSize: configuration.remoteListPageSize, copies: copies, logger: logger)
        let cache = try await ModelCache(root: configuration.dataDirectory + "/models", limitBytes: configuration.modelCacheBytes)
        let delivery = ModelDelivery(
            cache: cache, client: client, downloader: configuration.downloader, credentials: credentials,
            allowInsecureHTTP: configuration.allowInsecureHTTP, retryBackoff: configuration.modelRetryBackoff,
            maxConcurrentDownloads: configuration.concurrentModelDownloads, logger: logger)
        let node = EdgeNode(
            nodeName: configuration.node, store: store, monitor: monitor, remote: remote, delivery: delivery, credentials: credentials,
            heartbeatInterval: configuration.heartbeatInterval, logger: logger)

        await monitor.setSink { look in await node.observed(look) }
        await remote.setSink { look in await node.observed(look) }
        logger.info("edge agent starting", metadata: [
            "node": "\(configuration.node)", "root": "\(locator.root)", "allow": "\(locator.allowed.joined(separator: ","))",
        ])
        let uplink = try await makeUplink?(node, ReportOutbox(try await store.reports()))
        if let uplink { await node.setUplink(uplink) }
        let api = LocalAPI(
            node: node, host: configuration.apiHost, port: configuration.apiPort, logger: logger,
            onListening: configuration.onAPIListening)
        let interval = configuration.rescanInterval
        // The API and the hub client end on graceful shutdown by themselves (the client says
        // goingAway); the monitor and the model loop are cancelled then. A failing part ends all.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await cancelWhenGracefulShutdown { await monitor.run() } }
            group.addTask { await cancelWhenGracefulShutdown { await remote.run() } }
            group.addTask { await cancelWhenGracefulShutdown { await delivery.run(recheckEvery: interval) } }
            // Delivery states are reported one at a time, each model's latest (a late progress
            // report never overwrites Ready), then shown to the jobs waiting for them.
            group.addTask {
                await cancelWhenGracefulShutdown {
                    for await key in delivery.changes {
                        guard let state = await delivery.take(key) else { continue }
                        await node.deliveryChanged(key, state)
                        await delivery.notified(key, state)
                    }
                }
            }
            try await node.restore()
            group.addTask { try await api.run() }
            if let uplink { group.addTask { try await uplink.run() } }
            group.addTask {
                try? await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        await node.checkModels()
                    }
                }
            }
            if let trim = configuration.memoryTrimInterval {
                group.addTask {
                    try? await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            try await Task.sleep(for: trim)
                            // Give back the heap and code pages that startup and the last burst
                            // of work touched but idle does not use (see ResidentPages); it reads
                            // files and advises them, so off the cooperative pool.
                            _ = try? await NIOThreadPool.singleton.runIfActive {
                                ResidentPages.releaseFreeHeap()
                                ResidentPages.releaseFilePages()
                            }
                        }
                    }
                }
            }
            for try await _ in group {}
        }
        await delivery.stop()
    }
}
