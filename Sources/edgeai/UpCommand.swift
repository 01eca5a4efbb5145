import ArgumentParser
import Dashboard
import EdgeAIPKI
import EdgeAgent
import EdgeSync
import Foundation
import HubClient
import Logging
import NodeCommands
import ServiceLifecycle
import UnixSignals

/// `edgeai up`: the whole system on this machine, in one process — the embedded API server, the
/// cloud controller with its edge hub, and one edge agent that reaches the hub over the same
/// authenticated WebSocket a remote agent uses. All state lives in one data directory; a second
/// `up` reuses it. Ctrl-C shuts everything down gracefully.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Run the API server, the cloud controller and an edge agent on this machine.",
        discussion: "With --demo it also writes a sample dataset and model, applies them, and shows the sample count arrive and change.")

    @Option(help: "Directory for all state: store, certificates, tokens, kubeconfig, the agent's store.")
    var dataDir: String = "./.edgeai"

    @Option(help: "The edge agent's node name.")
    var node: String = "edge0"

    @Option(help: "Port of the API server (0 picks a free port).")
    var port: Int = 6443

    @Option(help: "Port of the edge hub (0 picks a free port).")
    var hubPort: Int = HubEndpoint.defaultPort

    @Option(help: "Port of the agent's local API for jobs (0 picks a free port).")
    var agentPort: Int = 7070

    @Option(help: "Where the node's filesystem is mounted for the agent.")
    var root: String = "/"

    @Option(help: "A directory whose data the agent may read (repeatable; default: the current directory).")
    var allow: [String] = []

    @Option(help: "Seconds a disconnected node stays Online before its EdgeNode says Offline.")
    var nodeOfflineGrace: Double = 40

    @OptionGroup var ui: DashboardFlags

    @Flag(help: "Write a sample dataset and model, apply them, and show their status arrive.")
    var demo = false

    func run() async throws {
        let logger = Logger(label: "edgeai.up")
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        var allowed = allow.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let demoFiles = DemoFiles(directory: dataDirectory + "/demo")
        if demo { allowed.append(demoFiles.directory) }
        if allowed.isEmpty { allowed = [FileManager.default.currentDirectoryPath] }

        let ports = [
            ListenPort(role: "the API server", flag: "--port", host: "127.0.0.1", port: port),
            ListenPort(role: "the edge hub", flag: "--hub-port", host: "127.0.0.1", port: hubPort),
            ListenPort(role: "the agent's local API", flag: "--agent-port", host: "127.0.0.1", port: agentPort),
            ListenPort(role: "the dashboard", flag: "--ui-port", host: ui.uiAddress, port: ui.checkedPort(defaultPort: DashboardConfiguration.defaultPort)),
        ]
        if let busy = ListenPort.firstInUse(ports) {
            printError(busy.inUseMessage(command: "edgeai up"))
            throw ExitCode.failure
        }
        let progress = UpProgress(dataDirectory: dataDirectory, node: node, allowed: allowed)
        await progress.starting()
        var options = EmbeddedCluster.Options(dataDirectory: dataDirectory)
        options.port = port
        options.hubPort = hubPort
        options.nodeOfflineGrace = .milliseconds(Int64((max(0, nodeOfflineGrace) * 1000).rounded()))
        options.dashboard = ui.options(defaultPort: DashboardConfiguration.defaultPort, printLoginLink: true)
        let cluster = try EmbeddedCluster(
            options, logger: logger,
            onAPIListening: { port, kubeconfig in await progress.apiListening(port: port, kubeconfig: kubeconfig) },
            onHubListening: { port in await progress.hubListening(port: port) },
            onDashboardListening: { url, link in
                printLine("edgeai up: dashboard on \(url)" + (link.map { "; one-time login link (10 min): \($0)" } ?? ""))
            })
        let credentials = cluster.credentials
        let apiPort = cluster.apiPort

        let agentConfiguration = EdgeAgent.Configuration(
            node: node, dataDirectory: dataDirectory + "/agents/" + node, root: root, allow: allowed, apiPort: agentPort,
            onAPIListening: { port in await progress.agentListening(port: port) })
        let caPEM = credentials.certificateAuthority.certificatePEM
        let agentLogger = Logger(label: "edgeai.edge")
        let agent = EdgeAgent(configuration: agentConfiguration, logger: agentLogger) { [node] edgeNode, outbox in
            let hubPort = try await progress.hubPort()
            // Registered like any node: its EdgeNode created (or its generation moved on), so
            // deleting that EdgeNode refuses this agent until the next `up`.
            let nodeToken = try await NodeGeneration.registerOwnNode(node, credentials: credentials, apiPort: await apiPort.wait())
            let link = EdgeLinkConfiguration(node: node, agentVersion: EdgeAIVersion.current)
            let hub = HubClientConfiguration(url: "wss://127.0.0.1:\(hubPort)", token: nodeToken, caPEM: caPEM, link: link)
            return try await EdgeAgent.hub(hub, logger: agentLogger)(edgeNode, outbox)
        }

        var services = cluster.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        services.append(.init(service: agent))
        if demo {
            let walkthrough = DemoWalkthrough(files: demoFiles, node: node, credentials: credentials, progress: progress)
            services.append(.init(service: walkthrough, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        printLine("edgeai up: stopped; state kept in \(dataDirectory)")
    }
}
