import APIServer
import CloudController
import Dashboard
import EdgeAIPKI
import EdgeSync
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle

/// The embedded API server and, unless disabled, the cloud controller with its edge hub: the
/// services `edgeai server` and `edgeai up` run in one process.
///
/// The data directory holds everything (CA, serving certificate, tokens, cluster secret, the
/// SQLite store, `kubeconfig`); the kubeconfig is rewritten with the bound port each start. The
/// controller talks to the API over its real HTTPS port with the `edgeai:cloud` token, and the hub
/// serves with the API's certificate (its CA is `<data-dir>/ca.crt`).
struct EmbeddedCluster {
    struct Options {
        var dataDirectory: String
        var address = "127.0.0.1"
        var port = 6443
        var hubPort = HubEndpoint.defaultPort
        var hubHosts: [String] = []
        var durability: Durability = .durable
        var controller = true
        /// How long a disconnected node stays Online (nil: the hub's default).
        var nodeOfflineGrace: Duration?
        /// Admit generation-less tokens without an EdgeNode (`--adopt-legacy-nodes`).
        var adoptsLegacyNodes = false
        /// The dashboard (nil: not served), reaching the API over its HTTPS port.
        var dashboard: DashboardOptions?
    }

    let credentials: ClusterCredentials
    let services: [any Service]
    /// The host written into the kubeconfig and printed for users.
    let publicHost: String
    /// The API server's port once bound.
    let apiPort: BoundAPIPort

    /// `onAPIListening` runs once the API port is bound and the kubeconfig is written (with its
    /// path); `onHubListening` once the hub's port is bound.
    init(
        _ options: Options, logger: Logger,
        onAPIListening: @escaping @Sendable (_ port: Int, _ kubeconfig: String) async -> Void,
        onHubListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in },
        onDashboardListening: @escaping @Sendable (_ url: String, _ loginLink: String?) async -> Void = { _, _ in }
    ) throws {
        var hosts = options.hubHosts
        let wildcard = ["0.0.0.0", "::"].contains(options.address)
        if !wildcard, !["127.0.0.1", "localhost"].contains(options.address) { hosts.append(options.address) }
        var credentials = try PKIBootstrap.ensure(dataDirectory: options.dataDirectory, hosts: hosts)
        // Before the API server loads the token file, so the controller's token is known to it.
        let controllerToken =
            options.controller
            ? try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup]) : nil
        let publicHost = wildcard ? "127.0.0.1" : options.address
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let apiPort = BoundAPIPort()
        let api = APIServer.Configuration(
            dataDirectory: options.dataDirectory, host: options.address, port: options.port, durability: options.durability,
            onListening: { [credentials] bound in
                do {
                    let path = try credentials.writeAdminKubeconfig(host: publicHost, port: bound)
                    await onAPIListening(bound, path)
                } catch {
                    logger.error("could not write kubeconfig: \(error)")
                }
                portContinuation.yield(bound)
                await apiPort.set(bound)
            })
        var services: [any Service] = [APIServer(configuration: api, credentials: credentials, logger: logger)]
        if let controllerToken {
            var controller = try CloudControllerConfiguration(credentials: credentials)
            controller.hubHost = options.address
            controller.hubPort = options.hubPort
            controller.onHubListening = onHubListening
            if let grace = options.nodeOfflineGrace { controller.hub.nodes.offlineGracePeriod = grace }
            controller.adoptsLegacyNodes = options.adoptsLegacyNodes
            services.append(
                EmbeddedController(
                    configuration: controller, apiPorts: ports, token: controllerToken,
                    caPEM: credentials.certificateAuthority.certificatePEM, logger: Logger(label: "edgeai.cloud")))
        }
        if let ui = options.dashboard {
            let caPEM = credentials.certificateAuthority.certificatePEM
            var dashboard = DashboardConfiguration(apiServer: {
                let port = await apiPort.wait()
                return KubeConfig(server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(caPEM.utf8))
            })
            dashboard.host = ui.address
            dashboard.port = ui.port
            dashboard.secureCookies = ui.secureCookies
            dashboard.loginLinkToken = ui.printLoginLink ? credentials.adminToken : nil
            dashboard.onListening = { [dashboard] port, link in await onDashboardListening(dashboard.baseURL(port: port) + "/ui/", link) }
            services.append(Dashboard(configuration: dashboard, logger: Logger(label: "edgeai.dashboard")))
        }
        self.credentials = credentials
        self.services = services
        self.publicHost = publicHost
        self.apiPort = apiPort
    }
}

/// The cloud controller against the embedded API server of the same process: waits for the API's
/// port, then runs a ``CloudController`` with a client for the `edgeai:cloud` token.
struct EmbeddedController: Service {
    let configuration: CloudControllerConfiguration
    let apiPorts: AsyncStream<Int>
    let token: String
    let caPEM: String
    let logger: Logger

    func run() async throws {
        var iterator = apiPorts.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        var kube = KubeConfig(server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(caPEM.utf8), credentials: .token(token))
        kube.qps = 2000
        kube.burst = 4000
        let client = try KubeClient(config: kube, logger: logger)
        let controller = CloudController(configuration: configuration, client: client, logger: logger)
        do {
            try await controller.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// The dashboard's flags, as `edgeai up`, `server` and `cloud` take them.
struct DashboardOptions {
    var address = "127.0.0.1"
    var port = DashboardConfiguration.defaultPort
    /// Mint a one-time login link for the admin token at start (`edgeai up`).
    var printLoginLink = false
    var secureCookies = false
}

/// The API server's port once bound, for any number of waiters (the dashboard asks at each sign-in).
actor BoundAPIPort {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ port: Int) {
        self.port = port
        for waiter in waiters { waiter.resume(returning: port) }
        waiters = []
    }

    func wait() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
