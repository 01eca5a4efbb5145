import APIServer
import CloudController
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import EdgeSync
import Foundation
import HubClient
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle
import Synchronization

/// The cloud in this process: the embedded API server and the cloud controller with its hub
/// (TLS WebSocket on 127.0.0.1, port 0), over one temporary directory.
final class CloudTestbed: Sendable {
    let directory: TemporaryDirectory
    let credentials: ClusterCredentials
    let controllerToken: String
    private let running = Mutex<[(ServiceGroup, Task<Void, any Error>)]>([])
    private let ports = Mutex((api: 0, hub: 0))
    let admin = Mutex<KubeClient?>(nil)
    private let controllerClient = Mutex<KubeClient?>(nil)

    init() throws {
        directory = try TemporaryDirectory(prefix: "edge-cloud")
        var credentials = try PKIBootstrap.ensure(dataDirectory: directory.path, hosts: ["127.0.0.1", "localhost"])
        controllerToken = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        self.credentials = credentials
    }

    func start() async throws {
        let (apiPorts, apiContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(
            configuration: APIServer.Configuration(
                dataDirectory: directory.path, port: 0, durability: .processCrashSafe, onListening: { apiContinuation.yield($0) }),
            credentials: credentials, logger: quietLogger())
        try await run(server)
        var apiIterator = apiPorts.makeAsyncIterator()
        guard let apiPort = await apiIterator.next() else { throw CloudTestbedError("API server") }
        ports.withLock { $0.api = apiPort }
        admin.withLock { $0 = try? KubeClient(config: config(token: credentials.adminToken)) }

        let (hubPorts, hubContinuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = try CloudControllerConfiguration(credentials: credentials)
        configuration.hubHost = "127.0.0.1"
        configuration.hubPort = 0
        configuration.closeTimeout = .seconds(2)
        configuration.onHubListening = { hubContinuation.yield($0) }
        let client = try KubeClient(config: config(token: controllerToken))
        controllerClient.withLock { $0 = client }
        let controller = CloudController(configuration: configuration, client: client, logger: quietLogger())
        try await run(controller)
        var hubIterator = hubPorts.makeAsyncIterator()
        guard let hubPort = await hubIterator.next() else { throw CloudTestbedError("hub") }
        ports.withLock { $0.hub = hubPort }
        try await eventually("controller ready", timeout: .seconds(30)) { controller.isReady }
    }

    private func run(_ service: some Service) async throws {
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: quietLogger()))
        let task = Task { try await group.run() }
        running.withLock { $0.append((group, task)) }
    }

    func config(token: String) -> KubeConfig {
        var config = KubeConfig(
            server: "https://127.0.0.1:\(ports.withLock { $0.api })",
            certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8), credentials: .token(token))
        config.qps = 1000
        config.burst = 1000
        return config
    }

    var client: KubeClient {
        get throws {
            guard let client = admin.withLock({ $0 }) else { throw CloudTestbedError("API client") }
            return client
        }
    }

    /// How the agent of `node` reaches this hub (fast reconnects for tests).
    func hubConfiguration(node: String) throws -> HubClientConfiguration {
        var link = EdgeLinkConfiguration(node: node, agentVersion: "test")
        link.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(500))
        link.reportRetryDelay = .milliseconds(200)
        var configuration = HubClientConfiguration(
            url: "wss://127.0.0.1:\(ports.withLock { $0.hub })", token: try credentials.nodeToken(for: node),
            caPEM: credentials.certificateAuthority.certificatePEM, link: link)
        configuration.closeTimeout = .seconds(1)
        return configuration
    }

    /// Stops the controller, then the API server, and removes the directory.
    func remove() async {
        try? await admin.withLock({ $0 })?.shutdown()
        for (group, task) in running.withLock({ $0 }).reversed() {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
        try? await controllerClient.withLock({ $0 })?.shutdown()
        directory.remove()
    }
}

func withCloud(_ body: (CloudTestbed) async throws -> Void) async throws {
    let cloud = try CloudTestbed()
    do {
        try await cloud.start()
        try await body(cloud)
    } catch {
        await cloud.remove()
        throw error
    }
    await cloud.remove()
}

func cloudDataset(_ name: String, node: String, dataUrl: String, format: String = "txt") -> Dataset {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    return Dataset(metadata: meta, spec: DatasetSpec(dataUrl: dataUrl, format: format, nodeName: node))
}

func cloudModel(_ name: String, modelUrl: String) -> Model {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    return Model(metadata: meta, spec: ModelSpec(modelUrl: modelUrl, format: "onnx"))
}

struct CloudTestbedError: Error, CustomStringConvertible {
    var description: String
    init(_ what: String) { description = "\(what) did not start" }
}
