import APIServer
import ArgumentParser
import CloudController
import EdgeAIPKI
import EdgeSync
import Foundation
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle
import UnixSignals

/// `edgeai server`: the embedded Kubernetes-compatible API server and, unless
/// `--no-controller`, the cloud controller and edge hub in the same process.
///
/// On first start it creates the CA, serving certificate, admin token and cluster secret in the
/// data directory and writes `<data-dir>/kubeconfig`; the controller talks to the API over its
/// real HTTPS port with a token of the `edgeai:cloud` identity, and the hub serves with the API's
/// certificate (its CA is `<data-dir>/ca.crt`). It runs until SIGINT/SIGTERM and shuts down
/// gracefully: the controller first (edge connections close with `goingAway`), then the API
/// server (open watches end, the store closes after the last acknowledged write).
struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the embedded Kubernetes-compatible API server (HTTPS) and the edge hub.")

    @Option(help: "Directory for the database, certificates, tokens and kubeconfig.")
    var dataDir: String = "./.edgeai"

    @Option(help: "Address to listen on (API server and hub).")
    var address: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 6443

    @Flag(help: "Acknowledge writes once they survive a process crash (no fsync per commit); faster, not power-loss safe.")
    var processCrashSafe = false

    @Flag(help: "Run the API server alone, without the cloud controller and edge hub.")
    var noController = false

    @Option(help: "Port of the edge hub (0 picks a free port).")
    var hubPort: Int = HubEndpoint.defaultPort

    @Option(parsing: .singleValue, help: "A DNS name or IP address edge nodes use to reach the hub (repeatable); added to the certificate.")
    var hubHost: [String] = []

    func run() async throws {
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        var hosts: [String] = hubHost
        if address != "0.0.0.0", address != "::", address != "127.0.0.1", address != "localhost" { hosts.append(address) }
        var credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory, hosts: hosts)
        // Before the API server loads the token file, so the controller's token is known to it.
        let controllerToken =
            noController
            ? nil : try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        let logger = Logger(label: "edgeai.server")
        let kubeconfigHost = address == "0.0.0.0" || address == "::" ? "127.0.0.1" : address
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let config = APIServer.Configuration(
            dataDirectory: dataDirectory, host: address, port: port,
            durability: processCrashSafe ? .processCrashSafe : .durable,
            onListening: { [credentials] bound in
                do {
                    let path = try credentials.writeAdminKubeconfig(host: kubeconfigHost, port: bound)
                    printLine("edgeai server listening on https://\(kubeconfigHost):\(bound); KUBECONFIG=\(path)")
                } catch {
                    logger.error("could not write kubeconfig: \(error)")
                }
                portContinuation.yield(bound)
            })
        let server = APIServer(configuration: config, credentials: credentials, logger: logger)
        var services: [any Service] = [server]
        if let controllerToken {
            var controller = try CloudControllerConfiguration(credentials: credentials)
            controller.hubHost = address
            controller.hubPort = hubPort
            let caPath = credentials.paths.caCertificate
            controller.onHubListening = { bound in
                printLine("edgeai edge hub listening on wss://\(kubeconfigHost):\(bound)\(HubEndpoint.path); CA \(caPath)")
            }
            services.append(
                EmbeddedController(
                    configuration: controller, apiPorts: ports, token: controllerToken,
                    caPEM: credentials.certificateAuthority.certificatePEM, logger: Logger(label: "edgeai.cloud")))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
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
