import ArgumentParser
import CloudController
import Dashboard
import EdgeAIPKI
import EdgeSync
import Foundation
import KubeClient
import Logging
import NodeCommands
import ServiceLifecycle
import UnixSignals

/// `edgeai cloud`: the cloud controller and edge hub against any Kubernetes API (a real cluster
/// via kubeconfig or in-cluster configuration, or an `edgeai server` started with
/// `--no-controller`).
///
/// The hub's CA, serving certificate and cluster secret (from which node tokens derive) live in
/// the data directory, created on first start; the CA's PEM is `<data-dir>/ca.crt`, which edge
/// agents trust. Runs until SIGINT/SIGTERM, then closes edge connections with `goingAway`.
struct Cloud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud", abstract: "Run the cloud controller and the edge hub against a Kubernetes API.")

    @Option(help: "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or in-cluster).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context (default: the current context).")
    var context: String?

    @Option(help: "Directory for the hub's CA, certificate and cluster secret.")
    var dataDir: String = "./.edgeai"

    @Option(help: "A directory holding cluster.key, ca.crt and ca.key (the edgeai-cluster Secret's volume), copied into --data-dir at start.")
    var secretDir: String?

    @Option(help: "Address the hub listens on.")
    var hubAddress: String = "0.0.0.0"

    @Option(help: "Port of the edge hub (0 picks a free port).")
    var hubPort: Int = HubEndpoint.defaultPort

    @Option(parsing: .singleValue, help: "A DNS name or IP address edge nodes use to reach the hub (repeatable); added to its certificate.")
    var hubHost: [String] = []

    @Option(help: "Watch only this namespace (default: all).")
    var namespace: String?

    @Option(help: "Requests per second to the API (client-side limit).")
    var kubeQPS: Double = 200

    @Option(help: "Seconds a disconnected node stays Online before its EdgeNode says Offline.")
    var nodeOfflineGrace: Double = 40

    @Option(help: "Requests the cloud may send at once above --kube-qps (a whole fleet's offline transitions go out in one burst).")
    var kubeBurst: Int = 10_000

    @Flag(help: "Admit a node whose token has no generation (issued before generations) and create its EdgeNode on first connect; deleting such an EdgeNode then does not end its access (`edgeai node revoke` does).")
    var adoptLegacyNodes = false

    @OptionGroup var ui: DashboardFlags

    func run() async throws {
        let logger = Logger(label: "edgeai.cloud")
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let watched = secretDir.map(SecretDirectory.watchedFiles(in:))
            ?? ["cluster.key", RetiredClusterKeys.fileName].map { dataDirectory + "/" + $0 }
        let watch = CredentialWatch(paths: watched)
        let boundPort = BoundPort()  // a reload keeps the port (--hub-port 0 picks it once)
        // Each pass runs with the files as they are; a changed key, CA or retired key set (or a
        // retired key's grace ending) shuts the hub down gracefully and starts the next pass.
        while true {
            let baseline = await watch.snapshot()
            if let secretDir { try SecretDirectory.copy(from: secretDir, into: dataDirectory) }
            let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory, hosts: hubHost)
            let retired = try ClusterKeyRotation.retired(dataDirectory: dataDirectory)
            let now = Date()
            var kube: KubeConfig
            if let kubeconfig {
                kube = try KubeConfig.resolve(KubeConfigFile(contentsOf: kubeconfig), context: context)
            } else {
                kube = try KubeConfig.load(context: context)
            }
            kube.qps = kubeQPS
            kube.burst = max(Int(kubeQPS * 2), kubeBurst)
            let client = try KubeClient(config: kube, logger: logger)
            var configuration = try CloudControllerConfiguration(credentials: credentials)
            configuration.retiredSecrets = retired.valid(at: now)
            configuration.hubHost = hubAddress
            configuration.hubPort = await boundPort.port ?? hubPort
            configuration.namespace = namespace
            configuration.adoptsLegacyNodes = adoptLegacyNodes
            configuration.hub.nodes.offlineGracePeriod = .milliseconds(Int64((max(0, nodeOfflineGrace) * 1000).rounded()))
            let caPath = credentials.paths.caCertificate
            let apiServer = kube.server
            let hubAddress = self.hubAddress
            let retiredCount = configuration.retiredSecrets.count
            configuration.onHubListening = { port in
                await boundPort.set(port)
                let grace = retiredCount == 0 ? "" : "; also accepting tokens of \(retiredCount) retired cluster key(s) until their grace ends"
                printLine("edgeai cloud: edge hub on wss://\(hubAddress):\(port)\(HubEndpoint.path); CA \(caPath); API \(apiServer)\(grace)")
            }
            let controller = CloudController(configuration: configuration, client: client, logger: logger)
            var services: [any Service] = [controller]
            if let options = ui.options(defaultPort: nil, printLoginLink: false) {
                services.append(Self.dashboard(options, api: kube))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let deadline = retired.nextExpiry(after: now).map { ContinuousClock.now + .seconds(Int64($0.timeIntervalSince(now).rounded(.up))) }
            let change: CredentialWatch.Change?
            do {
                change = try await runUntilCredentialsChange(group, watch: watch, baseline: baseline, deadline: deadline)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
            switch change {
            case nil: return
            case .files(let files)?: logger.notice("cluster key or CA changed; restarting the hub with it", metadata: ["files": "\(files)"])
            case .deadline?: logger.notice("a retired cluster key's grace ended; its node tokens are refused from now on")
            }
        }
    }
}

extension Cloud {
    /// The dashboard against the same API server; the cloud's own credentials are dropped: every
    /// viewer request carries the viewer's token.
    static func dashboard(_ options: DashboardOptions, api: KubeConfig) -> Dashboard {
        var server = api
        server.credentials = .none
        server.clientCertificatePEM = nil
        server.clientKeyPEM = nil
        server.qps = 50
        server.burst = 100
        var configuration = DashboardConfiguration(apiServer: { [server] in server })
        configuration.host = options.address
        configuration.port = options.port
        configuration.secureCookies = options.secureCookies
        configuration.onListening = { [configuration] port, _ in
            printLine("edgeai cloud: dashboard on \(configuration.baseURL(port: port))/ui/ (`edgeai dashboard` prints a one-time login link)")
        }
        return Dashboard(configuration: configuration, logger: Logger(label: "edgeai.dashboard"))
    }
}

/// The hub's port once bound, kept across reloads.
actor BoundPort {
    private(set) var port: Int?
    func set(_ port: Int) { self.port = port }
}
