import APIServer
package import CloudController
import EdgeAIAPI
import EdgeAICore
package import EdgeAIPKI
package import EdgeAITesting
import EdgeHub
package import EdgeSync
import Foundation
package import HubClient
package import KubeClient
package import Logging
import ObjectStore
import ServiceLifecycle
import Synchronization

/// An embedded API server and a cloud controller (hub on 127.0.0.1, port 0) in this process,
/// over one temporary data directory; either can be stopped and started again.
package final class Testbed: Sendable {
    package let directory: TemporaryDirectory
    package let credentials: ClusterCredentials
    package let controllerToken: String
    package let hubConfiguration: HubConfiguration
    /// The controller's `adoptsLegacyNodes`. On by default here (unlike the controller's own
    /// default): ``token(_:)`` issues generation-less tokens, so an ``Edge`` connects without an
    /// EdgeNode made for it first. The revocation tests turn it off, as a production hub runs.
    package let adoptsLegacyNodes: Bool
    /// The API server; its data directory is the testbed's.
    package let api: EmbeddedAPI
    private let cloud = Mutex<(ServiceGroup, Task<Void, any Error>, Int, CloudController)?>(nil)
    let admin = Mutex<KubeClient?>(nil)
    let edges = Mutex<[Edge]>([])

    package init(hub: HubConfiguration = HubConfiguration(), adoptsLegacyNodes: Bool = true) throws {
        self.adoptsLegacyNodes = adoptsLegacyNodes
        directory = try TemporaryDirectory(prefix: "cloud-test")
        var credentials = try PKIBootstrap.ensure(dataDirectory: directory.path, hosts: ["127.0.0.1", "localhost"])
        controllerToken = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        self.credentials = credentials
        hubConfiguration = hub
        api = EmbeddedAPI(directory: directory, dataDirectory: directory.path, credentials: credentials)
    }

    package static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    // MARK: API server

    @discardableResult
    package func startAPI() async throws -> Int {
        let port = try await api.start()
        if admin.withLock({ $0 }) == nil {
            admin.withLock { $0 = try? api.client() }
        }
        return port
    }

    package var apiPort: Int { api.port }

    package func config(token: String) -> KubeConfig { api.config(token: token) }

    package var client: KubeClient {
        get throws {
            guard let client = admin.withLock({ $0 }) else { throw TestbedError("API server did not happen") }
            return client
        }
    }

    // MARK: Cloud controller

    /// Starts the controller (against the API with the `edgeai:cloud` token); returns the hub port
    /// once the hub listens and, unless `waitReady` is false, its informers synced.
    @discardableResult
    package func startCloud(port: Int = 0, waitReady: Bool = true) async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = try CloudControllerConfiguration(credentials: credentials)
        configuration.hubHost = "127.0.0.1"
        configuration.hubPort = port
        configuration.hub = hubConfiguration
        configuration.adoptsLegacyNodes = adoptsLegacyNodes
        configuration.closeTimeout = .seconds(2)
        configuration.onHubListening = { port in continuation.yield(port) }
        let client = try KubeClient(config: config(token: controllerToken))
        let controller = CloudController(configuration: configuration, client: client, logger: Self.quietLogger)
        let group = ServiceGroup(configuration: .init(services: [controller], gracefulShutdownSignals: [], logger: Self.quietLogger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                try? await client.shutdown()
                throw error
            }
            try? await client.shutdown()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw TestbedError("hub start did not happen") }
        cloud.withLock { $0 = (group, task, bound, controller) }
        lastHubPort.withLock { $0 = bound }
        if waitReady { try await eventually("controller ready", timeout: .seconds(30)) { controller.isReady } }
        return bound
    }

    /// The value of an unlabelled metric on the controller's `/metrics`, or 0.
    package func metric(_ name: String) -> Double {
        let text = controller?.metrics.render() ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1)) ?? 0
        }
        return 0
    }

    package var hubPort: Int { lastHubPort.withLock { $0 } }
    private let lastHubPort = Mutex(0)
    package var controller: CloudController? { cloud.withLock { $0?.3 } }

    package func stopCloud() async {
        guard let (group, task, _, _) = cloud.withLock({ $0 }) else { return }
        cloud.withLock { $0 = nil }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Cancels the controller without a graceful shutdown (no `goingAway`, writes cut short).
    package func killCloud() async {
        guard let (_, task, _, _) = cloud.withLock({ $0 }) else { return }
        cloud.withLock { $0 = nil }
        task.cancel()
        _ = try? await task.value
    }

    package func stopAPI() async { await api.stop() }

    package func remove() async {
        for edge in edges.withLock({ $0 }) { await edge.stop() }
        await stopCloud()
        try? await admin.withLock({ $0 })?.shutdown()
        await stopAPI()
        directory.remove()
    }

    // MARK: Edge nodes

    package func token(_ node: String) throws -> String { try credentials.nodeToken(for: node) }

    package var hubURL: String { "wss://127.0.0.1:\(hubPort)" }

    /// How an edge of `node` reaches this hub, with fast reconnects for tests.
    package func edgeConfiguration(_ node: String, token: String? = nil) throws -> HubClientConfiguration {
        var link = EdgeLinkConfiguration(node: node, agentVersion: "test")
        link.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(500))
        link.reportRetryDelay = .milliseconds(200)
        var configuration = HubClientConfiguration(
            url: hubURL, token: try token ?? self.token(node), caPEM: credentials.certificateAuthority.certificatePEM, link: link)
        configuration.closeTimeout = .seconds(1)
        return configuration
    }
}

/// An edge node in this process: a ``HubClient`` over an in-memory store, run in a service group.
package final class Edge: Sendable {
    package let node: String
    package let store: InMemoryHubClientStore
    package let client: HubClient
    private let running: Mutex<(ServiceGroup, Task<Void, any Error>)?>

    package init(_ node: String, testbed: Testbed, store: InMemoryHubClientStore = InMemoryHubClientStore(), token: String? = nil) throws {
        self.node = node
        self.store = store
        client = HubClient(
            configuration: try testbed.edgeConfiguration(node, token: token), store: store, outbox: ReportOutbox(),
            logger: Testbed.quietLogger)
        running = Mutex(nil)
        testbed.edges.withLock { $0.append(self) }
    }

    package func start() {
        let group = ServiceGroup(configuration: .init(services: [client], gracefulShutdownSignals: [], logger: Testbed.quietLogger))
        let task = Task { try await group.run() }
        running.withLock { $0 = (group, task) }
    }

    package func stop() async {
        guard let (group, task) = running.withLock({ $0 }) else { return }
        running.withLock { $0 = nil }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    package func waitLive() async throws {
        try await eventually("\(node) live", timeout: .seconds(30)) { await client.state == .live }
    }

    /// An edge of `node`, started and live (resync acknowledged).
    package static func live(_ node: String, testbed: Testbed, store: InMemoryHubClientStore = InMemoryHubClientStore()) async throws -> Edge {
        let edge = try Edge(node, testbed: testbed, store: store)
        edge.start()
        try await edge.waitLive()
        return edge
    }

    /// Writes a report to the outbox and hands it to the client.
    package func report(_ report: StatusReport) async {
        await store.put(report)
        await client.report(report)
    }

    package func holds(_ name: String, kind: SyncKind = .dataset, namespace: String = "default") async -> SyncObject? {
        await store.object(SyncKey(kind: kind, namespace: namespace, name: name))
    }
}

/// Runs `body` against a fresh testbed with the API server started; removes it afterwards.
package func withTestbed(
    hub: HubConfiguration = HubConfiguration(), adoptsLegacyNodes: Bool = true, _ body: (Testbed) async throws -> Void
) async throws {
    let testbed = try Testbed(hub: hub, adoptsLegacyNodes: adoptsLegacyNodes)
    do {
        try await testbed.startAPI()
        try await body(testbed)
    } catch {
        await testbed.remove()
        throw error
    }
    await testbed.remove()
}

/// A testbed step that did not happen.
package struct TestbedError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
