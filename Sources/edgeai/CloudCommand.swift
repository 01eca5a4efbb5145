import ArgumentParser
import CloudController
import EdgeAIPKI
import EdgeSync
import Foundation
import KubeClient
import Logging
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

    func run() async throws {
        let logger = Logger(label: "edgeai.cloud")
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory, hosts: hubHost)
        var kube: KubeConfig
        if let kubeconfig {
            kube = try KubeConfig.resolve(KubeConfigFile(contentsOf: kubeconfig), context: context)
        } else {
            kube = try KubeConfig.load(context: context)
        }
        kube.qps = kubeQPS
        kube.burst = Int(kubeQPS * 2)
        let client = try KubeClient(config: kube, logger: logger)
        var configuration = try CloudControllerConfiguration(credentials: credentials)
        configuration.hubHost = hubAddress
        configuration.hubPort = hubPort
        configuration.namespace = namespace
        let caPath = credentials.paths.caCertificate
        let apiServer = kube.server
        let hubAddress = self.hubAddress
        configuration.onHubListening = { port in
            printLine("edgeai cloud: edge hub on wss://\(hubAddress):\(port)\(HubEndpoint.path); CA \(caPath); API \(apiServer)")
        }
        let controller = CloudController(configuration: configuration, client: client, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [controller], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
