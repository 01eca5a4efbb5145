import APIServer
import ArgumentParser
import AsyncHTTPClient
import EdgeAIAPI
import EdgeAICore
import EdgeAIPKI
import Foundation
import KubeClient
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif


/// `edgeai-bench informer`: initial sync of an informer over N datasets from the embedded API
/// server (time and retained heap per cached object), and GET requests/s at C concurrent tasks
/// through ``KubeClient``, beside bare AsyncHTTPClient GETs to the same server (the reference).
struct InformerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "informer", abstract: "KubeClient informer sync and GET throughput.")

    @Option(help: "Datasets to create and sync.") var objects = 10_000
    @Option(help: "Concurrent tasks for the GET benchmark.") var concurrency = 16
    @Option(help: "GET requests in total per measurement.") var requests = 20_000

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-bench-informer-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let credentials = try PKIBootstrap.ensure(dataDirectory: directory, hosts: ["127.0.0.1"])
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(
            configuration: .init(dataDirectory: directory, port: 0, onListening: { portContinuation.yield($0) }),
            credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { return }
            var config = KubeConfig(
                server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
                credentials: .token(credentials.adminToken))
            config.qps = 1_000_000
            config.burst = 1_000_000
            try await measure(config: config)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func measure(config: KubeConfig) async throws {
        let client = try KubeClient(config: config)
        let clock = ContinuousClock()
        // Load: N datasets created by `concurrency` writers.
        let loadStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for i in stride(from: worker, to: objects, by: concurrency) {
                        _ = try await client.create(Dataset(
                            metadata: ObjectMeta(name: "ds-\(i)", namespace: "default", labels: ["bench": "informer"]),
                            spec: DatasetSpec(dataUrl: "/data/ds-\(i)/index.txt", format: "txt", nodeName: "edge\(i % 50)")))
                    }
                }
            }
            try await group.waitForAll()
        }
        print("created \(objects) datasets in \(format(clock.now - loadStart))")

        // Informer initial sync, three runs; retained heap measured by dropping the informer.
        for run in 1...3 {
            let before = heapBytes()
            var informer: Informer<Dataset>? = Informer(client: client, configuration: indexed())
            let start = clock.now
            let synced: Duration = try await withThrowingTaskGroup(of: Duration?.self) { group in
                guard let running = informer else { return .zero }
                group.addTask { try await running.run(); return nil }
                group.addTask { for await _ in running.events {}; return nil }
                try await running.waitForSync()
                let elapsed = clock.now - start
                group.cancelAll()
                return elapsed
            }
            let count = informer?.count ?? 0
            let withCache = heapBytes()
            informer = nil
            let after = heapBytes()
            let perObject = Double(max(withCache - after, 0)) / Double(max(count, 1))
            print("informer sync run \(run): \(count) objects in \(format(synced)) (\(Int(Double(count) / synced.seconds)) objects/s); cache \(Int(perObject)) B/object retained (RSS after malloc_trim: before \(before >> 20) MiB, with cache \(withCache >> 20) MiB, after \(after >> 20) MiB)")
        }

        // GET throughput: KubeClient typed GET vs bare AsyncHTTPClient GET of the same URL.
        let typed = try await throughput { i in _ = try await client.get(Dataset.self, namespace: "default", name: "ds-\(i % objects)") }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(config.certificateAuthorityPEM ?? []))
        var httpConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let raw = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
        let token: String = { if case .token(let t) = config.credentials { return t } else { return "" } }()
        let bare = try await throughput { i in
            var request = HTTPClientRequest(url: config.server + Dataset.resourceType.path(namespace: "default", name: "ds-\(i % objects)"))
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await raw.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
        }
        print("GET x\(requests) at \(concurrency) tasks: KubeClient typed \(Int(typed)) req/s, bare AsyncHTTPClient \(Int(bare)) req/s (ratio \(String(format: "%.2f", typed / bare)))")
        try await raw.shutdown()
        try await client.shutdown()
    }

    func indexed() -> Informer<Dataset>.Configuration {
        var configuration = Informer<Dataset>.Configuration()
        configuration.indexers = ["node": { [$0.spec.nodeName] }]
        return configuration
    }

    func throughput(_ body: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for i in stride(from: worker, to: requests, by: concurrency) { try await body(i) }
                }
            }
            try await group.waitForAll()
        }
        return Double(requests) / (ContinuousClock.now - start).seconds
    }

    /// Resident set size after glibc's `malloc_trim(0)` has returned freed heap pages to the
    /// system, so the difference around dropping the cache is what the cache itself retained
    /// (not what the list decoding left in the allocator's free lists).
    func heapBytes() -> Int {
        #if canImport(Glibc)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") {
            typealias MallocTrim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        }
        #endif
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
    }

    func format(_ d: Duration) -> String { String(format: "%.3f s", d.seconds) }
}
