import EdgeAIAPI
package import EdgeHub
import EdgeSync
package import KubeClient
package import Logging
import ServiceLifecycle
import Synchronization

/// The cloud side of edgeai as one `Service`: informers on Datasets, Models and Secrets, the
/// per-node desired state derived from their caches (``DesiredState``: a node's datasets, the
/// models placed on it, and the credential Secrets those name), the edge hub that carries it to
/// the nodes over TLS WebSockets, and the status writer that carries their reports back.
///
/// `run()` starts the informers and the hub together; changes are routed as the informers
/// deliver them. A node that connects before both first lists are complete is welcomed once they
/// are, so its resync never sees a partial cache. `/readyz` answers 200 once both informers synced.
/// On graceful shutdown it closes every edge connection with `goingAway`. It works against any
/// API server: the embedded one or a real cluster.
package final class CloudController: Service, Sendable {
    package let configuration: CloudControllerConfiguration
    package let client: KubeClient
    package let metrics: HubMetrics
    package let hub: Hub
    let events: EventRecorder
    let datasets: Informer<Dataset>
    let models: Informer<Model>
    /// Secrets, each reduced to ``RemoteCredentials/projection(of:)`` as it is cached.
    let secrets: Informer<Secret>
    /// EdgeNodes (nil when ``CloudControllerConfiguration/keepsEdgeNodes`` is off).
    let edgeNodes: Informer<EdgeNode>?
    /// Keeps the EdgeNodes' status.
    package let nodeKeeper: NodeKeeper?
    let reachability: ReachabilityReconciler?
    let logger: Logger
    private let listening = Mutex(false)

    /// The index of the dataset informer by `spec.nodeName`.
    static let nodeIndex = "node"
    /// The index of the dataset informer by the Secret its `spec.credentialName` names.
    static let credentialIndex = "credential"

    package init(configuration: CloudControllerConfiguration, client: KubeClient, logger: Logger = Logger(label: "edgeai.cloud")) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        let metrics = HubMetrics()
        self.metrics = metrics
        var datasetConfiguration = Informer<Dataset>.Configuration(namespace: configuration.namespace)
        datasetConfiguration.indexers[Self.nodeIndex] = { dataset in dataset.spec.nodeName.isEmpty ? [] : [dataset.spec.nodeName] }
        datasetConfiguration.indexers[Self.credentialIndex] = { dataset in
            SyncObject.dataset(dataset).credentialKey.map { [$0.description] } ?? []
        }
        let datasets = Informer<Dataset>(client: client, configuration: datasetConfiguration, logger: logger)
        let models = Informer<Model>(client: client, configuration: Informer<Model>.Configuration(namespace: configuration.namespace), logger: logger)
        self.datasets = datasets
        self.models = models
        var secretConfiguration = Informer<Secret>.Configuration(namespace: configuration.namespace)
        secretConfiguration.transform = RemoteCredentials.projection(of:)
        let secrets = Informer<Secret>(client: client, configuration: secretConfiguration, logger: logger)
        self.secrets = secrets
        let events = EventRecorder(client: client, logger: logger)
        self.events = events
        let edgeNodes = configuration.keepsEdgeNodes ? Informer<EdgeNode>(client: client, configuration: .init(), logger: logger) : nil
        self.edgeNodes = edgeNodes
        let keeper = configuration.keepsEdgeNodes
            ? NodeKeeper(policy: configuration.hub.nodes, writer: EdgeNodeWriter(client: client), logger: logger) : nil
        self.nodeKeeper = keeper
        let edgeNode: (@Sendable (String) -> EdgeNode?)? = edgeNodes.map { informer in
            { @Sendable (name: String) -> EdgeNode? in informer.get(namespace: "", name: name) }
        }
        let desired: Hub.DesiredSource = { node in
            let labels: [String: String] = edgeNode?(node)?.metadata.labels ?? [:]
            return DesiredState.forNode(
                node, labels: labels, datasets: datasets.byIndex(Self.nodeIndex, node), models: models.list(),
                credentials: { key in secrets.get(namespace: key.namespace, name: key.name) })
        }
        let hub = Hub(
            configuration: configuration.hub, closeTimeout: configuration.closeTimeout, writer: StatusWriter(client: client),
            events: events, metrics: metrics,
            desired: desired,
            desiredSynced: {
                try await datasets.waitForSync()
                try await models.waitForSync()
                try await secrets.waitForSync()
                try await edgeNodes?.waitForSync()
            },
            nodes: keeper, edgeNode: edgeNode,
            adoptsLegacyNodes: configuration.adoptsLegacyNodes, logger: logger)
        self.hub = hub
        self.reachability = edgeNodes.map { informer in
            ReachabilityReconciler(
                client: client, datasets: datasets, nodes: informer,
                isConnected: { node in
                    if await hub.isConnected(node) { return true }
                    return await keeper?.isOnline(node) ?? false
                },
                writesPerSecond: configuration.reachabilityWritesPerSecond, logger: logger)
        }
    }

    /// How many Datasets and Models the informers hold.
    package var cachedCounts: (datasets: Int, models: Int) { (datasets.count, models.count) }

    /// The informers synced and the hub listening.
    package var isReady: Bool {
        datasets.hasSynced && models.hasSynced && secrets.hasSynced && (edgeNodes?.hasSynced ?? true) && listening.withLock { $0 }
    }

    package func run() async throws {
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
            group.addTask { try await self.secrets.run() }
            // A node's Secrets are brought in line before the object naming one is routed, so
            // the credential is there when the node first looks.
            group.addTask {
                for await event in self.datasets.events {
                    if let key = event.new?.key { self.reachability?.enqueue(key) }
                    let (old, new) = (event.old.map(SyncObject.dataset), event.new.map(SyncObject.dataset))
                    await hub.refreshCredentials(DesiredState.credentialAudiences(old: old, new: new))
                    await hub.route(DesiredState.changes(old: old, new: new))
                }
            }
            group.addTask {
                for await event in self.models.events {
                    let (old, new) = (event.old.map(SyncObject.model), event.new.map(SyncObject.model))
                    await hub.refreshCredentials(DesiredState.credentialAudiences(old: old, new: new))
                    await hub.route(DesiredState.changes(old: old, new: new))
                }
            }
            group.addTask {
                for await event in self.secrets.events {
                    guard let secret = event.new ?? event.old else { continue }
                    await hub.refreshCredentials(self.audiences(naming: secret.key))
                }
            }
            group.addTask {
                try await withGracefulShutdownHandler {
                    try await application.run()
                } onGracefulShutdown: {
                    // The hub's connections close with goingAway; the server stops accepting.
                }
            }
            if let edgeNodes, let keeper = nodeKeeper {
                group.addTask { try await edgeNodes.run() }
                group.addTask {
                    for await event in edgeNodes.events {
                        switch event {
                        case .added(let node), .updated(_, let node):
                            await keeper.known(node.name, status: node.status)
                            await hub.reauthorize(node.name)
                            let (before, after) = (event.old?.metadata.labels ?? [:], node.metadata.labels ?? [:])
                            if before != after {
                                await hub.route(DesiredState.labelsChanged(node: node.name, old: before, new: after, models: self.models.list()))
                                await hub.refreshCredentials([.node(node.name)])
                            }
                        case .deleted(let node):
                            await keeper.forget(node.name)
                            await hub.edgeNodeDeleted(node.name)
                        }
                        self.reachability?.enqueue(node: event.new?.name ?? event.old?.name ?? "")
                    }
                }
                group.addTask { await cancelWhenGracefulShutdown { await keeper.run() } }
                if let reachability { group.addTask { await reachability.run() } }
            }
            group.addTask { await self.events.run() }
            group.addTask {
                // Close edge connections as soon as shutdown starts, so the listener can drain.
                try? await gracefulShutdown()
                await hub.shutdown()
                self.events.finish()
                self.reachability?.finish()
            }
            try await group.waitForAll()
        }
    }
}

extension CloudController {
    /// The nodes holding an object that names the Secret `key`.
    func audiences(naming key: ObjectKeyName) -> [DesiredState.Audience] {
        let objects = datasets.byIndex(Self.credentialIndex, key.description).map(SyncObject.dataset)
            + models.list().map(SyncObject.model).filter { $0.credentialKey == key }
        return Array(Set(objects.compactMap(DesiredState.audience(of:))))
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
