package import EdgeAIPKI
import EdgeAIAPI
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JSON
package import Logging
import NIOCore
import NIOSSL
package import ObjectStore
import ServiceLifecycle

/// The embedded Kubernetes-compatible API server: HTTPS (TLS 1.2+, HTTP/1.1), bearer-token or
/// client-certificate authentication, the edgeai kinds plus namespaces, events and leases, over
/// one revisioned SQLite store in the data directory.
///
/// A `Service`: `run()` opens the store, creates the initial namespaces, serves until graceful
/// shutdown (which ends open watches), then closes the store. It starts no task in `init`.
package struct APIServer: Service {
    package struct Configuration: Sendable {
        /// Holds `state.db` (the store) and `secrets-encryption.keys` (created 0600 on first start:
        /// Secrets are stored encrypted with it); the PKI material is passed in as credentials.
        package var dataDirectory: String
        package var host: String
        /// 0 picks a free port; ``onListening`` receives the bound one.
        package var port: Int
        package var durability: Durability
        package var compaction: CompactionPolicy
        package var compactionInterval: Duration
        /// How often a watch with `allowWatchBookmarks` receives a BOOKMARK.
        package var bookmarkInterval: Duration
        /// Called once the server listens, with the bound port.
        package var onListening: (@Sendable (Int) async -> Void)?
        /// Header-read and idle keep-alive timeouts; open watches are never cut by them.
        package var connectionTimeouts: ConnectionTimeouts = .standard
        /// The store's tunables (WAL limit, event cache, batch size).
        package var storeOptions = StoreOptions()
        /// Serve `/metrics` and record request metrics (off only to measure their cost).
        package var metricsEnabled = true

        package init(
            dataDirectory: String, host: String = "127.0.0.1", port: Int = 6443, durability: Durability = .durable,
            compaction: CompactionPolicy = .default, compactionInterval: Duration = .seconds(60),
            bookmarkInterval: Duration = .seconds(60), onListening: (@Sendable (Int) async -> Void)? = nil
        ) {
            self.dataDirectory = dataDirectory
            self.host = host
            self.port = port
            self.durability = durability
            self.compaction = compaction
            self.compactionInterval = compactionInterval
            self.bookmarkInterval = bookmarkInterval
            self.onListening = onListening
        }

        /// `<dataDirectory>/state.db`.
        package var databasePath: String { dataDirectory + "/state.db" }
    }

    package let configuration: Configuration
    let credentials: ClusterCredentials
    let logger: Logger

    package init(configuration: Configuration, credentials: ClusterCredentials, logger: Logger = Logger(label: "edgeai.apiserver")) {
        self.configuration = configuration
        self.credentials = credentials
        self.logger = logger
    }

    package func run() async throws {
        let encryption = try SecretsEncryption.loadOrCreate(dataDirectory: configuration.dataDirectory)
        let store = try ObjectStore(
            path: configuration.databasePath, durability: configuration.durability, compaction: configuration.compaction,
            options: configuration.storeOptions, transformer: SecretsAtRest(encryption: encryption))
        do {
            try await serve(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    private func serve(_ store: ObjectStore) async throws {
        let registry = ResourceRegistry.standard
        let rest = ObjectREST(store: store, registry: registry)
        try await Self.ensureInitialNamespaces(rest)
        let shutdown = ShutdownSignal()
        let handler = APIHandler(
            rest: rest, registry: registry,
            tokens: TokenStore(authenticator: credentials.tokens, path: credentials.paths.tokenFile),
            discovery: Discovery(registry: registry), openAPI: OpenAPIDocuments(registry: registry),
            shutdown: shutdown, bookmarkInterval: configuration.bookmarkInterval,
            metrics: configuration.metricsEnabled ? APIServerMetrics(store: store, resources: registry) : nil)
        await handler.metrics?.attach()
        var tls = try credentials.serverTLSConfiguration(requestClientCertificates: true)
        // A closing connection waits this long for the peer's close_notify (NIOSSL's default is
        // 5 s); clients that just drop the socket would otherwise hold graceful shutdown.
        tls.shutdownTimeout = .milliseconds(200)
        let timeouts = configuration.connectionTimeouts
        let http1 = HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, timeouts: timeouts) }
        let onListening = configuration.onListening
        let logger = self.logger
        let app = Application(
            responder: CallbackResponder<APIRequestContext> { request, context in
                let target = RequestTarget(path: request.uri.path)
                guard let metrics = handler.metrics else { return await handler.respond(request, context, target: target) }
                return await metrics.measure(request, target: target) { await handler.respond(request, context, target: target) }
            },
            server: try .tls(http1, tlsConfiguration: tls),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("edgeai API server listening", metadata: ["port": "\(port)"])
                await onListening?(port)
            },
            logger: Logger(label: logger.label, factory: { _ in DeferredMetadataLogHandler(wrapping: logger.handler) }))
        let interval = configuration.compactionInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.runCompaction(every: interval) }
            try await withGracefulShutdownHandler {
                try await app.run()
            } onGracefulShutdown: {
                shutdown.fire()
            }
            shutdown.fire()
            group.cancelAll()
        }
    }

    static func ensureInitialNamespaces(_ rest: ObjectREST) async throws {
        for name in BuiltinResources.initialNamespaces {
            let body: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            do {
                _ = try await rest.create(BuiltinResources.namespaces, namespace: nil, body: body, options: WriteOptions())
            } catch let error as APIError where error.code == 409 {
                continue
            }
        }
    }
}
