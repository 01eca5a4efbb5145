import APIServer
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import KubeClient
import Logging
import ObjectStore
import ServiceLifecycle

/// An embedded API server in this process (TLS on 127.0.0.1, port 0) over a temporary data
/// directory, that tests can stop and start again on the same data.
final class TestCluster: Sendable {
    let directory: TemporaryDirectory
    let credentials: ClusterCredentials
    let compaction: CompactionPolicy
    let compactionInterval: Duration
    let bookmarkInterval: Duration
    private let running = LockedBox<(ServiceGroup, Task<Void, any Error>, Int)?>(nil)

    init(
        compaction: CompactionPolicy = .default, compactionInterval: Duration = .seconds(60),
        bookmarkInterval: Duration = .seconds(60)
    ) throws {
        directory = try TemporaryDirectory(prefix: "kubeclient-test")
        credentials = try PKIBootstrap.ensure(dataDirectory: directory.path, hosts: ["127.0.0.1", "localhost"])
        self.compaction = compaction
        self.compactionInterval = compactionInterval
        self.bookmarkInterval = bookmarkInterval
    }

    /// Starts the server and returns its port.
    @discardableResult
    func start() async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let configuration = APIServer.Configuration(
            dataDirectory: directory.path, port: 0, durability: .processCrashSafe, compaction: compaction,
            compactionInterval: compactionInterval, bookmarkInterval: bookmarkInterval,
            onListening: { port in continuation.yield(port) })
        var logger = Logger(label: "test.apiserver")
        logger.logLevel = .critical
        let server = APIServer(configuration: configuration, credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw KubeConfigError("API server did not start") }
        running.set((group, task, port))
        return port
    }

    var port: Int { running.get()?.2 ?? 0 }

    /// Shuts the server down gracefully (open watches end) and waits for it.
    func stop() async {
        guard let (group, task, _) = running.get() else { return }
        running.set(nil)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// A configuration for the admin (token) at `port` (default: the server's own).
    func config(port: Int? = nil, token: String? = nil) -> KubeConfig {
        var config = KubeConfig(
            server: "https://127.0.0.1:\(port ?? self.port)",
            certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
            credentials: .token(token ?? credentials.adminToken))
        config.qps = 1000
        config.burst = 1000
        return config
    }

    func client(port: Int? = nil, retry: RetryPolicy = RetryPolicy()) throws -> KubeClient {
        try KubeClient(config: config(port: port), retryPolicy: retry)
    }

    func remove() async {
        await stop()
        directory.remove()
    }
}

/// A tiny lock-protected box for test state.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}

func sampleDataset(_ name: String, namespace: String = "default", node: String = "edge0") -> Dataset {
    Dataset(
        metadata: ObjectMeta(name: name, namespace: namespace),
        spec: DatasetSpec(dataUrl: "/data/\(name)", format: "txt", nodeName: node))
}
