import APIServer
import ArgumentParser
import CloudController
import EdgeAIPKI
import EdgeSync
import Foundation
import KubeClient
import Logging
import NodeCommands
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

    @Option(help: "Seconds a disconnected node stays Online before its EdgeNode says Offline.")
    var nodeOfflineGrace: Double = 40

    @Flag(help: "Admit a node whose token has no generation (issued before generations) and create its EdgeNode on first connect; deleting such an EdgeNode then does not end its access (`edgeai node revoke` does).")
    var adoptLegacyNodes = false

    @OptionGroup var ui: DashboardFlags

    func run() async throws {
        let logger = Logger(label: "edgeai.server")
        var options = EmbeddedCluster.Options(dataDirectory: URL(fileURLWithPath: dataDir).standardizedFileURL.path)
        options.address = address
        options.port = port
        options.hubPort = hubPort
        options.hubHosts = hubHost
        options.durability = processCrashSafe ? .processCrashSafe : .durable
        options.controller = !noController
        options.nodeOfflineGrace = .milliseconds(Int64((max(0, nodeOfflineGrace) * 1000).rounded()))
        options.adoptsLegacyNodes = adoptLegacyNodes
        options.dashboard = ui.options(defaultPort: nil, printLoginLink: false)
        let host = ["0.0.0.0", "::"].contains(address) ? "127.0.0.1" : address
        let ports = [
            ListenPort(role: "the API server", flag: "--port", host: address, port: port),
            ListenPort(role: "the edge hub", flag: "--hub-port", host: address, port: noController ? 0 : hubPort),
            ListenPort(role: "the dashboard", flag: "--ui-port", host: ui.uiAddress, port: ui.checkedPort(defaultPort: nil)),
        ]
        if let busy = ListenPort.firstInUse(ports) {
            printError(busy.inUseMessage(command: "edgeai server"))
            throw ExitCode.failure
        }
        let caPath = ClusterCredentials.Paths(dataDirectory: options.dataDirectory).caCertificate
        let cluster = try EmbeddedCluster(
            options, logger: logger,
            onAPIListening: { port, kubeconfig in printLine("edgeai server listening on https://\(host):\(port); KUBECONFIG=\(kubeconfig)") },
            onHubListening: { port in printLine("edgeai edge hub listening on wss://\(host):\(port)\(HubEndpoint.path); CA \(caPath)") },
            onDashboardListening: { url, _ in printLine("edgeai dashboard on \(url) (`edgeai dashboard` prints a one-time login link)") })
        let group = ServiceGroup(
            configuration: .init(services: cluster.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
