import EdgeAIAPI
public import EdgeHub
import EdgeSync
public import KubeClient
public import Logging
public import ServiceLifecycle
import Synchronization

/// The cloud side of edgeai as one `Service`: informers on Datasets and Models, the per-node
/// desired state derived from their caches (``DesiredState``), the edge hub that carries it to
/// the nodes over TLS WebSockets, and the status writer that carries their reports back.
///
/// `run()` starts the informers and the hub together; changes are routed as the informers
/// deliver them. A node that connects before both first lists are complete is welcomed once they
/// are, so its resync never sees a partial cache. `/readyz` answers 200 once both informers synced.
/// On graceful shutdown it closes every edge connection with `goingAway`. It works against any
/// API server: the embedded one or a real cluster.
public final class CloudController: Service, Sendable {
    public let configuration: CloudControllerConfiguration
    public let client: KubeClient
    public let metrics: HubMetrics
    public let hub: Hub
    let events: EventRecorder
    let datasets: Informer<Dataset>
    let models: Informer<Model>
    let logger: Logger
    private let listening = Mutex(false)

    /// The index of the dataset informer by `spec.nodeName`.
    static let nodeIndex = "node"

    public init(configuration: CloudControllerConfiguration, client: KubeClient, logger: Logger = Logger(label: "edgeai.cloud")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        let metrics = HubMetrics()
        self.metrics = metrics
        var datasetConfiguration = Informer<Dataset>.Configuration(namespace: configuration.namespace)
        datasetConfiguration.indexers[Self.nodeIndex] = { dataset in dataset.spec.nodeName.isEmpty ? [] : [dataset.spec.nodeName] }
        let datasets = Informer<Dataset>(client: client, configuration: datasetConfiguration, logger: logger)
        let models = Informer<Model>(client: client, configuration: Informer<Model>.Configuration(namespace: configuration.namespace), logger: logger)
        self.datasets = datasets
        self.models = models
        let events = EventRecorder(client: client, logger: logger)
        self.events = events
        self.hub = Hub(
            configuration: configuration.hub, closeTimeout: configuration.closeTimeout, writer: StatusWriter(client: client),
            events: events, metrics: metrics,
            desired: { node in DesiredState.forNode(node, datasets: datasets.byIndex(Self.nodeIndex, node), models: models.list()) },
            desiredSynced: {
                try await datasets.waitForSync()
                try await models.waitForSync()
            },
            logger: logger)
    }

    /// How many Datasets and Models the informers hold.
    public var cachedCounts: (datasets: Int, models: Int) { (datasets.count, models.count) }

    /// Both informers synced and the hub listening.
    public var isReady: Bool { datasets.hasSynced && models.hasSynced && listening.withLock { $0 } }

    public func run() async throws {
        let server = HubServer(
            hub: hub, authenticator: NodeAuthenticator(secrets: [configuration.clusterSecret] + configuration.retiredSecrets), metrics: metrics,
            tls: configuration.tls, host: configuration.hubHost, port: configuration.hubPort,
            maxFrameBytes: configuration.hub.maxFrameBytes, closeTimeout: configuration.closeTimeout,
            isReady: { [weak self] in self?.isReady ?? false },
            onListening: { [weak self] port in
                self?.listening.withLock { $0 = true }
                await self?.configuration.onHubListening?(port)
            },
            logger: logger)
        let application = try server.makeApplication()
        let hub = self.hub
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.datasets.run() }
            group.addTask { try await self.models.run() }
            group.addTask {
                for await event in self.datasets.events {
                    await hub.route(DesiredState.changes(old: event.old, new: event.new))
                }
            }
            group.addTask {
                for await event in self.models.events {
                    await hub.route(DesiredState.changes(old: event.old, new: event.new))
                }
            }
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await application.run()
                } onGracefulShutdown: {
                    // The hub's connections close with goingAway; the server stops accepting.
                }
            }
            group.addTask { await self.events.run() }
            group.addTask {
                // Close edge connections as soon as shutdown starts, so the listener can drain.
                try? await gracefulShutdown()
                await hub.shutdown()
                self.events.finish()
            }
            try await group.waitForAll()
        }
    }
}

extension InformerEvent {
    /// The object before the event (`nil` when added).
    var old: Object? {
        switch self {
        case .added: nil
        case .updated(let old, _): old
        case .deleted(let object): object
        }
    }

    /// The object after the event (`nil` when deleted).
    var new: Object? {
        switch self {
        case .added(let object): object
        case .updated(_, let new): new
        case .deleted: nil
        }
    }
}
