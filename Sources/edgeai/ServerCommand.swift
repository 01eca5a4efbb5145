import APIServer
import ArgumentParser
import EdgeAIPKI
import Foundation
import Logging
import ObjectStore
import ServiceLifecycle
import UnixSignals

/// `edgeai server`: the embedded Kubernetes-compatible API server.
///
/// On first start it creates the CA, serving certificate and admin token in the data directory
/// and writes `<data-dir>/kubeconfig`; it runs until SIGINT/SIGTERM and shuts down gracefully
/// (open watches end, the store closes after the last acknowledged write).
struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the embedded Kubernetes-compatible API server (HTTPS).")

    @Option(help: "Directory for the database, certificates, tokens and kubeconfig.")
    var dataDir: String = "./.edgeai"

    @Option(help: "Address to listen on.")
    var address: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 6443

    @Flag(help: "Acknowledge writes once they survive a process crash (no fsync per commit); faster, not power-loss safe.")
    var processCrashSafe = false

    func run() async throws {
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        var hosts: [String] = []
        if address != "0.0.0.0", address != "::", address != "127.0.0.1", address != "localhost" { hosts.append(address) }
        let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory, hosts: hosts)
        let logger = Logger(label: "edgeai.server")
        let kubeconfigHost = address == "0.0.0.0" || address == "::" ? "127.0.0.1" : address
        let config = APIServer.Configuration(
            dataDirectory: dataDirectory, host: address, port: port,
            durability: processCrashSafe ? .processCrashSafe : .durable,
            onListening: { bound in
                do {
                    let path = try credentials.writeAdminKubeconfig(host: kubeconfigHost, port: bound)
                    print("edgeai server listening on https://\(kubeconfigHost):\(bound); KUBECONFIG=\(path)")
                } catch {
                    logger.error("could not write kubeconfig: \(error)")
                }
            })
        let server = APIServer(configuration: config, credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
