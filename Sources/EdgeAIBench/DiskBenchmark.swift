import ArgumentParser
import AsyncHTTPClient
import EdgeAICloudTesting
import EdgeAICore
import EdgeAIPKI
import EdgeAITesting
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import ObjectStore
import Synchronization

/// `edgeai-bench disk`: the embedded API server (in this process, durable mode, HTTPS) under
/// status merge patches over `--datasets` datasets from `--clients` clients, while a thread
/// samples the data directory's size every 50 ms. Every run starts in a fresh directory:
///
/// 1. `--rounds` rounds of three runs of `--reference-patches` patches each, one after the other:
///    the reference (the store as it was before issue 13: no WAL truncation, history kept for the
///    minimum duration only, compaction each minute), the new store with metrics off, the new
///    store with metrics on. The ratios are medians of the rounds' ratios, so a change in the
///    machine's speed over the benchmark (large on a shared two-core host) falls on both sides;
/// 2. the main run: the new store, metrics on, `--patches` patches; then a graceful stop, the
///    size at rest, and a restart timed to the first answered request.
struct DiskBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disk", abstract: "Disk use, restart time and patch rate of the API server's store.")

    @Option(help: "Datasets created before the patches.") var datasets = 10_000
    @Option(help: "Status patches in the main run.") var patches = 1_000_000
    @Option(help: "Status patches in each run of the alternating rounds.") var referencePatches = 60_000
    @Option(help: "Rounds of reference, metrics-off and metrics-on runs for the ratios.") var rounds = 3
    @Option(help: "Concurrent clients.") var clients = 16
    @Option(help: "Where the scratch data directories go (each removed afterwards; default: the system temporary directory).")
    var directory: String?

    struct RunResult {
        var rate: Double
        var errors: Int
        var peakBytes: Int64
        /// Process CPU per patch, the in-process clients' included.
        var cpuMicroseconds: Double = 0
        var restBytes: Int64 = 0
        var liveBytes: Int = 0
        var restartMillis: Double = 0
        /// Graceful stop: connections closed, free pages returned, WAL emptied.
        var stopMillis: Double = 0
    }

    func run() async throws {
        var reference: [RunResult] = []
        var bare: [RunResult] = []
        var paired: [RunResult] = []
        for round in 1...max(rounds, 1) {
            print("edgeai-bench disk: round \(round) of \(max(rounds, 1))")
            reference.append(try await measure("reference", store: .reference, metrics: true, patches: referencePatches, restart: false))
            bare.append(try await measure("new store, metrics off", store: .current, metrics: false, patches: referencePatches, restart: false))
            paired.append(try await measure("new store, metrics on", store: .current, metrics: true, patches: referencePatches, restart: false))
        }
        let main = try await measure("new store, metrics on", store: .current, metrics: true, patches: patches, restart: true)
        let mib = 1024.0 * 1024.0
        let bound = 3 * Double(main.liveBytes) + 64 * mib
        let oldPeak = reference.map(\.peakBytes).max() ?? 0
        let errors = (bare + paired + [main]).reduce(0) { $0 + $1.errors }
        print("")
        print("| measure | new store | reference (before issue 13) | ratio | bound |")
        print("| --- | --- | --- | --- | --- |")
        print(String(format: "| peak data directory (MiB) | %.1f (%d patches) | %.1f (%d patches) | %.3f | ≤ 256 |",
                     Double(main.peakBytes) / mib, patches, Double(oldPeak) / mib, referencePatches, Double(main.peakBytes) / Double(max(oldPeak, 1))))
        print(String(format: "| data directory after stop (MiB) | %.1f | | | ≤ %.1f (3 × %.1f MiB live + 64) |",
                     Double(main.restBytes) / mib, bound / mib, Double(main.liveBytes) / mib))
        print(String(format: "| graceful stop (ms) | %.0f | %.0f | | |", main.stopMillis, median(reference.map(\.stopMillis))))
        print(String(format: "| restart to first answered request (ms) | %.0f | | | ≤ 300 |", main.restartMillis))
        print(String(format: "| patches/s, metrics on (%d patches) | %.0f | | | ≥ 5000 |", patches, main.rate))
        print(String(format: "| patches/s, metrics on, rounds of %d (median) | %.0f | %.0f | %.2f | ≥ 1 |", referencePatches,
                     median(paired.map(\.rate)), median(reference.map(\.rate)), median(zip(paired, reference).map { $0.rate / $1.rate })))
        print(String(format: "| patches/s, metrics off, rounds of %d (median) | %.0f | | %.3f (on/off) | |", referencePatches,
                     median(bare.map(\.rate)), median(zip(paired, bare).map { $0.rate / $1.rate })))
        print(String(format: "| CPU per patch, server and clients, rounds (µs) | %.0f | %.0f | %.2f | |",
                     median(paired.map(\.cpuMicroseconds)), median(reference.map(\.cpuMicroseconds)),
                     median(zip(paired, reference).map { $0.cpuMicroseconds / $1.cpuMicroseconds })))
        print("| errors | \(errors) | \(reference.reduce(0) { $0 + $1.errors }) | | 0 |")
    }

    enum StoreMode { case reference, current }

    private func options(store: StoreMode, metrics: Bool) -> EmbeddedAPI.Options {
        var options = EmbeddedAPI.Options()
        options.durability = .durable
        options.metricsEnabled = metrics
        if store == .reference {
            options.compaction = CompactionPolicy(minRetainedRevisions: 1000, minRetainedDuration: .seconds(300), maxRetainedRevisions: 1 << 40)
            options.storeOptions.walLimit = 1 << 50
        }
        return options
    }

    private func measure(_ name: String, store: StoreMode, metrics: Bool, patches: Int, restart: Bool) async throws -> RunResult {
        let scratch = try TemporaryDirectory(prefix: "edgeai-bench-disk-" + name.filter(\.isLetter), in: directory)
        let server = try EmbeddedAPI(directory: scratch, dataDirectory: scratch.path, options: options(store: store, metrics: metrics))
        defer { scratch.remove() }
        let dataDirectory = scratch.path
        let credentials = server.credentials
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificateAuthority.certificatePEM.utf8)))
        var httpConfig = HTTPClient.Configuration(tlsConfiguration: tls)
        httpConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients + 4)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfig)
        defer { _ = client.shutdown() }
        print("edgeai-bench disk: \(name): \(datasets) datasets, \(patches) patches, \(clients) clients")

        let port = try await server.start()
        let sampler = DirectorySampler(path: dataDirectory)
        sampler.start()
        let api = try BenchClient(client: client, base: "https://127.0.0.1:\(port)", token: credentials.adminToken, tls: tls)
        let collection = "/apis/edgeai.io/v1alpha1/namespaces/default/datasets"
        let datasets = self.datasets
        let created = try await api.phase("creates", count: datasets, clients: clients) { i in
            (.POST, collection, APIBenchmark.dataset("ds-\(i)"), "application/json", 201)
        }
        let patched = try await api.phase("status merge-patches", count: patches, clients: clients) { i in
            (.PATCH, "\(collection)/ds-\(i % datasets)/status", #"{"status":{"numberOfSamples":\#(i + 1)}}"#, "application/merge-patch+json", 200)
        }
        var result = RunResult(rate: patched.rate, errors: created.errors + patched.errors, peakBytes: 0, cpuMicroseconds: patched.cpuMicroseconds)
        if restart {
            let (_, list) = try await api.send(.GET, collection, nil)
            result.liveBytes = list.count
        }
        let stopping = ContinuousClock.now
        await server.stop()
        result.stopMillis = (ContinuousClock.now - stopping).milliseconds
        result.peakBytes = await sampler.stop()
        result.restBytes = await DirectorySampler.measure(dataDirectory)
        print(String(format: "%@: peak %.1f MiB, after stop %.1f MiB, stop took %.0f ms", name, Double(result.peakBytes) / 1048576,
                     Double(result.restBytes) / 1048576, result.stopMillis))
        guard restart else { return result }
        let start = ContinuousClock.now
        try await server.start()  // the same port: `api` reaches it again
        let (status, _) = try await api.send(.GET, "\(collection)/ds-0", nil)
        result.restartMillis = (ContinuousClock.now - start).milliseconds
        let (_, list) = try await api.send(.GET, collection + "?limit=1", nil)
        print(String(format: "restart: first answer (%d) after %.1f ms; list answers %d bytes", status, result.restartMillis, list.count))
        if status != 200 { result.errors += 1 }
        await server.stop()
        return result
    }
}

/// Samples the total size of the files in a directory every 50 ms on a thread of its own
/// (file-system calls stay off the cooperative pool) and keeps the largest.
final class DirectorySampler: Sendable {
    private let path: String
    private let state = Mutex<(peak: Int64, running: Bool)>((0, false))

    init(path: String) {
        self.path = path
    }

    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            while state.withLock({ $0.running }) {
                let size = Self.size(of: path)
                state.withLock { $0.peak = max($0.peak, size) }
                usleep(50_000)
            }
        }
        thread.start()
    }

    /// Stops sampling and returns the peak, including one last sample.
    func stop() async -> Int64 {
        state.withLock { $0.running = false }
        let last = await Self.measure(path)
        return state.withLock { max($0.peak, last) }
    }

    /// The directory's size, read on a thread of its own.
    static func measure(_ directory: String) async -> Int64 {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: size(of: directory)) }.start()
        }
    }

    static func size(of directory: String) -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        // lstat, not FileManager's attributes: those also look the owner up in /etc/passwd and
        // /etc/group, hundreds of file reads a second taken from the server being measured.
        return names.reduce(0) { $0 + fileSize(directory + "/" + $1) }
    }
}
