package import APIServer
package import EdgeAIPKI
package import EdgeAITesting
import Foundation
package import KubeClient
package import Logging
package import ObjectStore
import ServiceLifecycle
import Synchronization

/// The embedded API server in this process, with real TLS on 127.0.0.1, over a data directory
/// that outlives it: the one server bootstrap tests and benchmarks share.
///
/// ``start()`` listens on port 0 the first time and on the same port after a ``stop()``, so
/// clients made before a restart reach it again. The admin's token and the cluster CA come from
/// ``credentials``; ``config(port:token:)`` and ``client(port:retry:)`` make clients for it.
package final class EmbeddedAPI: Sendable {
    package struct Options: Sendable {
        package var durability: Durability = .processCrashSafe
        package var compaction: CompactionPolicy = .default
        package var compactionInterval: Duration = .seconds(60)
        package var bookmarkInterval: Duration = .seconds(60)
        package var connectionTimeouts: ConnectionTimeouts = .standard
        package var storeOptions = StoreOptions()
        package var metricsEnabled = true
        /// The server's log level; `TEST_LOG=debug` overrides it.
        package var logLevel: Logger.Level = .critical
        package init() {}
    }

    package let directory: TemporaryDirectory
    package let dataDirectory: String
    package let credentials: ClusterCredentials
    package let options: Options
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)
    private let lastPort = Mutex(0)

    /// Over `dataDirectory` (inside `directory`) with `credentials` already bootstrapped there.
    package init(directory: TemporaryDirectory, dataDirectory: String, credentials: ClusterCredentials, options: Options = Options()) {
        self.directory = directory
        self.dataDirectory = dataDirectory
        self.credentials = credentials
        self.options = options
    }

    /// Over a fresh temporary directory (the data in `dataSubdirectory` of it, if given), with
    /// new cluster credentials for 127.0.0.1 and localhost.
    package convenience init(prefix: String, dataSubdirectory: String? = nil, options: Options = Options()) throws {
        let directory = try TemporaryDirectory(prefix: prefix)
        let data = dataSubdirectory.map { directory.path + "/" + $0 } ?? directory.path
        try self.init(directory: directory, dataDirectory: data, options: options)
    }

    /// Over `dataDirectory` inside `directory`, bootstrapping credentials for 127.0.0.1 and
    /// localhost there if it has none.
    package convenience init(directory: TemporaryDirectory, dataDirectory: String, options: Options = Options()) throws {
        let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory, hosts: ["127.0.0.1", "localhost"])
        self.init(directory: directory, dataDirectory: dataDirectory, credentials: credentials, options: options)
    }

    package var logger: Logger {
        var logger = Logger(label: "test.apiserver")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? options.logLevel
        return logger
    }

    /// Starts the server and returns its port once it listens.
    @discardableResult
    package func start() async throws -> Int {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        var configuration = APIServer.Configuration(
            dataDirectory: dataDirectory, port: lastPort.withLock { $0 }, durability: options.durability,
            compaction: options.compaction, compactionInterval: options.compactionInterval,
            bookmarkInterval: options.bookmarkInterval, onListening: { port in continuation.yield(port) })
        configuration.connectionTimeouts = options.connectionTimeouts
        configuration.storeOptions = options.storeOptions
        configuration.metricsEnabled = options.metricsEnabled
        let server = APIServer(configuration: configuration, credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        // A server that fails to start (its port taken) ends the wait below instead of hanging it.
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            do { try await task.value } catch { throw EmbeddedAPIError("the API server did not start: \(error)") }
            throw EmbeddedAPIError("the API server did not start")
        }
        running.withLock { $0 = (group, task) }
        lastPort.withLock { $0 = port }
        return port
    }

    /// The port it listens on (or last listened on).
    package var port: Int { lastPort.withLock { $0 } }

    package var isRunning: Bool { running.withLock { $0 != nil } }

    /// Graceful shutdown (open watches end); waits for it. Keeps the data.
    package func stop() async {
        guard let (group, task) = running.withLock({ running in defer { running = nil }; return running }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Stops and removes the data directory.
    package func remove() async {
        await stop()
        directory.remove()
    }

    /// A client configuration for `token` (default: the admin's) at `port` (default: the server's).
    package func config(port: Int? = nil, token: String? = nil) -> KubeConfig {
        var config = KubeConfig(
            server: "https://127.0.0.1:\(port ?? self.port)",
            certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
            credentials: .token(token ?? credentials.adminToken))
        config.qps = 1000
        config.burst = 1000
        return config
    }

    /// An admin client; shut it down when done.
    package func client(port: Int? = nil, token: String? = nil, retry: RetryPolicy = RetryPolicy()) throws -> KubeClient {
        try KubeClient(config: config(port: port, token: token), retryPolicy: retry)
    }
}

package struct EmbeddedAPIError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}
