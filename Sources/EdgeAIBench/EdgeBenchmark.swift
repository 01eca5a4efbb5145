import APIServer
import ArgumentParser
import AsyncHTTPClient
import CloudController
import EdgeAIAPI
import EdgeAICore
import EdgeAIPKI
import EdgeAgent
import EdgeSync
import Foundation
import KubeClient
import Logging
import NIOCore
import ObjectStore
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// `edgeai-bench edge`: the edge agent as a real process (`edgeai edge`, the binary beside this
/// one), connected to an in-process cloud (embedded API server + cloud controller + hub) that
/// assigns it N datasets: idle RSS and CPU with 0 and N datasets (0 is the reference), and the
/// latency from a file append to the new count being visible through the agent's local API and
/// through the Kubernetes API in the cloud (Dataset status), beside bare GET round trips to each
/// (the floor of those measurements).
struct EdgeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edge", abstract: "Edge agent: append-to-API latency, idle RSS and CPU.")

    @Option(help: "Datasets the agent monitors.") var datasets = 100
    @Option(help: "Lines in each dataset file at start.") var lines = 10_000
    @Option(help: "Appends to measure (round-robin over the datasets).") var appends = 1_000
    @Option(help: "New datasets to create one at a time after the appends: create -> status.numberOfSamples in the API.")
    var creates = 200
    @Option(help: "Seconds of idle to measure CPU over.") var idleSeconds = 10
    @Option(help: "The edgeai binary to run as the agent (default: the one beside this benchmark).") var agent: String?
    @Flag(help: "Add pathological datasets beside the others: a FIFO, a large index appended to continuously, a huge directory.")
    var pathological = false
    @Option(help: "With --pathological: size of the continuously appended index, in MB.") var bigMB = 400
    @Option(help: "With --pathological: files in the huge directory.") var hugeFiles = 1_000_000

    func run() async throws {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("edgeai").path
        let executable = agent ?? beside
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) not found: build it first (swift build -c release --product edgeai)")
        }
        let cloud = try await BenchCloud.start()
        let reference: AgentFigures
        let loaded: AgentFigures
        do {
            reference = try await measureAgent(executable: executable, datasets: 0, latency: false, cloud: cloud, node: "bench-ref")
            loaded = try await measureAgent(executable: executable, datasets: datasets, latency: true, cloud: cloud, node: "bench")
        } catch {
            await cloud.stop()
            throw error
        }
        await cloud.stop()
        print("edge agent (\(executable)), \(datasets) datasets of \(lines) lines:")
        print("  idle RSS:  \(mb(reference.rss)) with 0 datasets (reference), \(mb(loaded.rss)) with \(datasets) (+\(mb(loaded.rss - reference.rss)))")
        print("    of which anonymous \(mb(reference.rssAnon)) / \(mb(loaded.rssAnon)), file-backed \(mb(reference.rssFile)) / \(mb(loaded.rssFile)) (at the end of the idle window)")
        for (label, figures) in [("0 datasets", reference), ("\(datasets) datasets", loaded)] {
            let (low, median, high) = figures.rssSamples
            print("    sampled each second while idle, \(label): min \(mb(low))  median \(mb(median))  max \(mb(high))")
        }
        print("  idle CPU:  \(percent(reference.cpu)) with 0 datasets, \(percent(loaded.cpu)) with \(datasets) (over \(idleSeconds) s)")
        if pathological {
            print("  pathological datasets beside them: a FIFO, a \(bigMB) MB index appended to continuously, a \(hugeFiles)-file directory (a file added every 2 s)")
            print("    agent RSS sampled each second while appending: max \(mb(loaded.loadedRSSMax))")
        }
        for (label, latency, floor) in [
            ("the agent's local API", loaded.latency, loaded.apiRoundTrip),
            ("the cloud's Kubernetes API (Dataset status)", loaded.cloudLatency, loaded.cloudRoundTrip),
        ] {
            guard let latency, let floor else { continue }
            print("  append -> count visible through \(label) (\(appends) appends):")
            print("    p50 \(ms(latency.p50))  p90 \(ms(latency.p90))  p99 \(ms(latency.p99))  max \(ms(latency.max))")
            print("    bare GET round trip: p50 \(ms(floor.p50))  p99 \(ms(floor.p99)) (floor; p99 ratio \(String(format: "%.1f", latency.p99 / max(floor.p99, 1e-9)))x)")
        }
        if let created = loaded.createLatency, let floor = loaded.createFloor {
            print("  create of a new \(lines)-line Dataset -> status.numberOfSamples in the cloud's Kubernetes API, by watch (\(creates) creates):")
            print("    p50 \(ms(created.p50))  p90 \(ms(created.p90))  p99 \(ms(created.p99))  max \(ms(created.max))")
            print("    floor, the create and the hub's status patch sent from here (no agent): p50 \(ms(floor.p50))  p99 \(ms(floor.p99))")
            print("    ratio to the floor: p50 \(String(format: "%.2f", created.p50 / max(floor.p50, 1e-9)))x  p99 \(String(format: "%.2f", created.p99 / max(floor.p99, 1e-9)))x")
        }
    }

    struct AgentFigures {
        var rss: Int
        /// The parts of ``rss``: anonymous memory (heap, stacks) and pages of mapped files (code).
        var rssAnon: Int
        var rssFile: Int
        /// RSS sampled each second of the idle window: lowest, median, highest.
        var rssSamples: (min: Int, median: Int, max: Int)
        var cpu: Double
        var latency: Percentiles?
        var apiRoundTrip: Percentiles?
        var cloudLatency: Percentiles?
        var cloudRoundTrip: Percentiles?
        /// From sending the create of a new Dataset to its count in the API's status.
        var createLatency: Percentiles?
        /// The same create followed at once by the hub's status patch, both from the benchmark.
        var createFloor: Percentiles?
        /// Highest RSS sampled once a second during the append phase (with --pathological).
        var loadedRSSMax = 0
    }

    struct Percentiles {
        var p50: Double, p90: Double, p99: Double, max: Double
        init(_ samples: [Double]) {
            let sorted = samples.sorted()
            func at(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            p50 = at(0.5)
            p90 = at(0.9)
            p99 = at(0.99)
            max = sorted.last ?? 0
        }
    }

    func measureAgent(executable: String, datasets count: Int, latency: Bool, cloud: BenchCloud, node: String) async throws -> AgentFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-bench-edge-\(UUID().uuidString.prefix(8))").path
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let body = Data((0..<lines).map { "sample \($0) lorem ipsum dolor sit amet\n" }.joined().utf8)
        for index in 0..<count {
            let path = data + "/ds-\(index).txt"
            try body.write(to: URL(fileURLWithPath: path))
            var meta = ObjectMeta()
            meta.name = "\(node)-\(index)"
            meta.namespace = "default"
            _ = try await cloud.client.create(Dataset(metadata: meta, spec: DatasetSpec(dataUrl: path, format: "txt", nodeName: node)))
        }
        if pathological, latency { try await makePathological(data: data, node: node, cloud: cloud) }
        // Registered as `edgeai node add` does: its EdgeNode with the generation its token carries.
        _ = try await cloud.client.create(EdgeNode(metadata: ObjectMeta(name: node), spec: EdgeNodeSpec(tokenGeneration: 1)))
        try NodeToken.issue(node: node, generation: 1, secret: cloud.credentials.clusterSecret)
            .write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try cloud.credentials.certificateAuthority.certificatePEM.write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "edge", "--node", node, "--token-file", directory + "/token", "--cloud", "wss://127.0.0.1:\(cloud.hubPort)",
            "--ca", directory + "/ca.pem", "--allow", data, "--data-dir", directory + "/agent", "--api-port", "0",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let port = try readPort(output.fileHandleForReading)
        let api = "http://127.0.0.1:\(port)"
        // Wait until every dataset is counted.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let items = try await getJSON(api + "/v1/datasets")["items"] as? [[String: Any]] ?? []
            let ours = items.filter { ($0["name"] as? String)?.hasPrefix("\(node)-") == true }
            if ours.count == count, ours.allSatisfy({ $0["numberOfSamples"] as? Int == lines }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        while ContinuousClock.now < deadline {
            let counted = try await cloud.client.list(Dataset.self, namespace: "default").items
                .filter { $0.spec.nodeName == node && $0.metadata.name?.hasPrefix("\(node)-") == true && $0.status?.numberOfSamples == Int64(lines) }.count
            if counted == count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(2))
        let pid = process.processIdentifier
        let cpuStart = cpuSeconds(pid)
        let wallStart = ContinuousClock.now
        // RSS once a second through the idle window: it moves as timers run and the agent trims.
        var samples: [Int] = []
        for _ in 0..<max(idleSeconds, 1) {
            try await Task.sleep(for: .seconds(1))
            samples.append(rssBytes(pid))
        }
        let cpu = (cpuSeconds(pid) - cpuStart) / (ContinuousClock.now - wallStart).seconds
        samples.sort()
        var figures = AgentFigures(
            rss: rssBytes(pid), rssAnon: statusBytes(pid, "RssAnon:"), rssFile: statusBytes(pid, "RssFile:"),
            rssSamples: (samples[0], samples[samples.count / 2], samples[samples.count - 1]), cpu: cpu)
        guard latency, count > 0 else { return figures }

        var roundTrips: [Double] = []
        for index in 0..<min(appends, 1000) {
            let start = ContinuousClock.now
            _ = try await getJSON(api + "/v1/datasets/default/\(node)-\(index % count)")
            roundTrips.append((ContinuousClock.now - start).seconds)
        }
        var cloudTrips: [Double] = []
        for index in 0..<min(appends, 1000) {
            let start = ContinuousClock.now
            _ = try await cloud.client.get(Dataset.self, namespace: "default", name: "\(node)-\(index % count)")
            cloudTrips.append((ContinuousClock.now - start).seconds)
        }
        let stress = pathological ? Task { await Self.stress(data: data) } : nil
        let sampler = pathological ? Task { await Self.sampleRSS(pid) } : nil
        defer {
            stress?.cancel()
            sampler?.cancel()
        }
        var expected = [Int](repeating: lines, count: count)
        var local: [Double] = []
        var remote: [Double] = []
        for index in 0..<appends {
            let target = index % count
            let name = "\(node)-\(target)"
            let start = ContinuousClock.now
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/ds-\(target).txt"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("appended \(index)\n".utf8))
            try handle.close()
            expected[target] += 1
            // Alternate which side is watched, so neither measurement waits behind the other.
            if index % 2 == 0 {
                while try await getJSON(api + "/v1/datasets/default/\(name)")["numberOfSamples"] as? Int != expected[target] {
                    if ContinuousClock.now - start > .seconds(10) { throw ValidationError("append \(index) not visible after 10 s") }
                }
                local.append((ContinuousClock.now - start).seconds)
            } else {
                while try await cloud.client.get(Dataset.self, namespace: "default", name: name).status?.numberOfSamples != Int64(expected[target]) {
                    if ContinuousClock.now - start > .seconds(10) { throw ValidationError("append \(index) not in the cloud after 10 s") }
                }
                remote.append((ContinuousClock.now - start).seconds)
                if let last = remote.last, last > 0.1 { print("  slow: append \(index) (\(name)) in the cloud after \(ms(last))") }
            }
        }
        figures.latency = Percentiles(local)
        figures.apiRoundTrip = Percentiles(roundTrips)
        figures.cloudLatency = Percentiles(remote)
        figures.cloudRoundTrip = Percentiles(cloudTrips)
        if creates > 0 {
            figures.createLatency = Percentiles(try await measureCreates(data: data, node: node, body: body, cloud: cloud))
            // No agent runs for this node: the API server's two writes and the watch alone.
            figures.createFloor = Percentiles(try await measureCreates(data: data, node: "\(node)-floor", body: body, cloud: cloud, writeStatus: true))
        }
        stress?.cancel()
        sampler?.cancel()
        figures.loadedRSSMax = await sampler?.value ?? 0
        return figures
    }

    /// Creates `creates` new Datasets on `node`, one at a time, each over a `lines`-line file
    /// written beforehand: the seconds from sending the create to the watch event that carries
    /// its count in status (a watch, not GETs in a loop, so waiting takes no CPU from the API
    /// server and the agent, which share this machine's cores). With `writeStatus`, this
    /// process writes the status itself right after the create, as the hub does (the floor).
    private func measureCreates(
        data: String, node: String, body: Data, cloud: BenchCloud, writeStatus: Bool = false
    ) async throws -> [Double] {
        let listed = try await cloud.client.listPage(Dataset.self, namespace: "default", options: ListOptions(limit: 1))
        var options = ListOptions(resourceVersion: listed.metadata.resourceVersion)
        options.timeoutSeconds = 600
        let stream = try await cloud.client.watch(Dataset.self, namespace: "default", options: options)
        let (lines, creates) = (self.lines, self.creates)
        return try await withThrowingTaskGroup(of: [Double]?.self) { group in
            group.addTask {
                var events = stream.makeAsyncIterator()
                var samples: [Double] = []
                for index in 0..<creates {
                    let path = data + "/new-\(node)-\(index).txt"
                    try body.write(to: URL(fileURLWithPath: path))
                    let name = "new-\(node)-\(index)"
                    let start = ContinuousClock.now
                    let created = try await cloud.client.create(
                        Dataset(metadata: ObjectMeta(name: name, namespace: "default"), spec: DatasetSpec(dataUrl: path, format: "txt", nodeName: node)))
                    if writeStatus {
                        let patch = try StatusPatch.dataset(uid: created.metadata.uid ?? "", status: DatasetStatus(numberOfSamples: Int64(lines)))
                        _ = try await cloud.client.patch(Dataset.self, namespace: "default", name: name, patch, type: .json, subresource: "status")
                    }
                    while true {
                        guard let event = try await events.next() else { throw ValidationError("the watch ended before create \(index) was counted") }
                        if case .modified(let dataset) = event, dataset.metadata.name == name, dataset.status?.numberOfSamples == Int64(lines) { break }
                    }
                    samples.append((ContinuousClock.now - start).seconds)
                }
                return samples
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10 * max(creates, 1)))
                return nil
            }
            defer { group.cancelAll() }
            guard let samples = try await group.next() ?? nil else { throw ValidationError("the creates were not all counted in \(10 * creates) s") }
            return samples
        }
    }

    private func readPort(_ handle: FileHandle) throws -> Int {
        var text = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { throw ValidationError("the agent exited before listening") }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(where: { !$0.isNumber }),
                let port = Int(text[range.upperBound..<end])
            {
                return port
            }
        }
    }

    private func getJSON(_ url: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
    }

    private func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func rssBytes(_ pid: Int32) -> Int { statusBytes(pid, "VmRSS:") }

    /// A `kB` field of `/proc/<pid>/status` (VmRSS, RssAnon, RssFile), in bytes.
    private func statusBytes(_ pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
    private func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
    private func percent(_ fraction: Double) -> String { String(format: "%.2f %%", fraction * 100) }
}

/// The cloud in this process: embedded API server and cloud controller with its hub.
final class BenchCloud: Sendable {
    let credentials: ClusterCredentials
    let client: KubeClient
    let hubPort: Int
    private let directory: String
    private let groups: [ServiceGroup]
    private let tasks: [Task<Void, any Error>]
    private let controllerClient: KubeClient

    private init(
        credentials: ClusterCredentials, client: KubeClient, controllerClient: KubeClient, hubPort: Int, directory: String,
        groups: [ServiceGroup], tasks: [Task<Void, any Error>]
    ) {
        self.credentials = credentials
        self.client = client
        self.controllerClient = controllerClient
        self.hubPort = hubPort
        self.directory = directory
        self.groups = groups
        self.tasks = tasks
    }

    static func start() async throws -> BenchCloud {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-bench-cloud-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var credentials = try PKIBootstrap.ensure(dataDirectory: directory, hosts: ["127.0.0.1"])
        let controllerToken = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let (apiPorts, apiContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(
            configuration: .init(dataDirectory: directory, port: 0, durability: .durable, onListening: { apiContinuation.yield($0) }),
            credentials: credentials, logger: logger)
        let apiGroup = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        let apiTask = Task { try await apiGroup.run() }
        var apiIterator = apiPorts.makeAsyncIterator()
        guard let apiPort = await apiIterator.next() else { throw ValidationError("API server did not start") }
        func config(_ token: String) -> KubeConfig {
            var config = KubeConfig(
                server: "https://127.0.0.1:\(apiPort)", certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
                credentials: .token(token))
            config.qps = 1_000_000
            config.burst = 1_000_000
            return config
        }
        let (hubPorts, hubContinuation) = AsyncStream.makeStream(of: Int.self)
        var configuration = try CloudControllerConfiguration(credentials: credentials)
        configuration.hubHost = "127.0.0.1"
        configuration.hubPort = 0
        configuration.onHubListening = { hubContinuation.yield($0) }
        let controllerClient = try KubeClient(config: config(controllerToken))
        let controller = CloudController(configuration: configuration, client: controllerClient, logger: logger)
        let cloudGroup = ServiceGroup(configuration: .init(services: [controller], gracefulShutdownSignals: [], logger: logger))
        let cloudTask = Task { try await cloudGroup.run() }
        var hubIterator = hubPorts.makeAsyncIterator()
        guard let hubPort = await hubIterator.next() else { throw ValidationError("hub did not start") }
        while !controller.isReady { try await Task.sleep(for: .milliseconds(20)) }
        return BenchCloud(
            credentials: credentials, client: try KubeClient(config: config(credentials.adminToken)), controllerClient: controllerClient,
            hubPort: hubPort, directory: directory, groups: [cloudGroup, apiGroup], tasks: [cloudTask, apiTask])
    }

    func stop() async {
        try? await client.shutdown()
        for (group, task) in zip(groups, tasks) {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
        try? await controllerClient.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
