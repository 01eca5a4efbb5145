import ArgumentParser
import AsyncHTTPClient
import EdgeAIAPI
import EdgeAgent
import EdgeSync
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// `edgeai-bench edge`: the edge agent as a real process (`edgeai edge`, the binary beside this
/// one) over N datasets put into its store beforehand: idle RSS and CPU with 0 and N datasets
/// (0 is the reference), and the latency from a file append to the new count being visible
/// through the local API, beside a bare API round trip (the floor of that measurement).
struct EdgeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edge", abstract: "Edge agent: append-to-API latency, idle RSS and CPU.")

    @Option(help: "Datasets the agent monitors.") var datasets = 100
    @Option(help: "Lines in each dataset file at start.") var lines = 10_000
    @Option(help: "Appends to measure (round-robin over the datasets).") var appends = 1_000
    @Option(help: "Seconds of idle to measure CPU over.") var idleSeconds = 10

    func run() async throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("edgeai").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) not found: build it first (swift build -c release --product edgeai)")
        }
        let reference = try await measureAgent(executable: executable, datasets: 0, latency: false)
        let loaded = try await measureAgent(executable: executable, datasets: datasets, latency: true)
        print("edge agent (\(executable)), \(datasets) datasets of \(lines) lines:")
        print("  idle RSS:  \(mb(reference.rss)) with 0 datasets (reference), \(mb(loaded.rss)) with \(datasets) (+\(mb(loaded.rss - reference.rss)))")
        print("  idle CPU:  \(percent(reference.cpu)) with 0 datasets, \(percent(loaded.cpu)) with \(datasets) (over \(idleSeconds) s)")
        if let latency = loaded.latency, let floor = loaded.apiRoundTrip {
            print("  append -> count visible through the local API (\(appends) appends):")
            print("    p50 \(ms(latency.p50))  p90 \(ms(latency.p90))  p99 \(ms(latency.p99))  max \(ms(latency.max))")
            print("  bare API GET round trip: p50 \(ms(floor.p50))  p99 \(ms(floor.p99)) (floor; p99 ratio \(String(format: "%.1f", latency.p99 / max(floor.p99, 1e-9)))x)")
        }
    }

    struct AgentFigures {
        var rss: Int
        var cpu: Double
        var latency: Percentiles?
        var apiRoundTrip: Percentiles?
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

    func measureAgent(executable: String, datasets count: Int, latency: Bool) async throws -> AgentFigures {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeai-bench-edge-\(UUID().uuidString.prefix(8))").path
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let body = Data((0..<lines).map { "sample \($0) lorem ipsum dolor sit amet\n" }.joined().utf8)
        let store = try AgentStore(path: directory + "/agent/agent.sqlite")
        for index in 0..<count {
            let path = data + "/ds-\(index).txt"
            try body.write(to: URL(fileURLWithPath: path))
            var meta = ObjectMeta()
            meta.name = "ds-\(index)"
            meta.namespace = "default"
            meta.uid = "uid-\(index)"
            meta.resourceVersion = "1"
            meta.generation = 1
            try await store.apply(.upsert(.dataset(Dataset(metadata: meta, spec: DatasetSpec(dataUrl: path, format: "txt", nodeName: "bench")))))
        }
        store.close()
        try "bench-token".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try "-----BEGIN CERTIFICATE-----\n".write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // The hub is unreachable on purpose: the agent works offline, reports wait in its outbox.
        process.arguments = [
            "edge", "--node", "bench", "--token-file", directory + "/token", "--cloud", "wss://127.0.0.1:9",
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
            if items.count == count, items.allSatisfy({ $0["numberOfSamples"] as? Int == lines }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .seconds(2))
        let cpuStart = cpuSeconds(process.processIdentifier)
        let wallStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(idleSeconds))
        let cpu = (cpuSeconds(process.processIdentifier) - cpuStart) / seconds(ContinuousClock.now - wallStart)
        var figures = AgentFigures(rss: rssBytes(process.processIdentifier), cpu: cpu)
        guard latency, count > 0 else { return figures }

        var roundTrips: [Double] = []
        for index in 0..<min(appends, 1000) {
            let start = ContinuousClock.now
            _ = try await getJSON(api + "/v1/datasets/default/ds-\(index % count)")
            roundTrips.append(seconds(ContinuousClock.now - start))
        }
        var expected = [Int](repeating: lines, count: count)
        var samples: [Double] = []
        for index in 0..<appends {
            let target = index % count
            let path = data + "/ds-\(target).txt"
            let start = ContinuousClock.now
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("appended \(index)\n".utf8))
            try handle.close()
            expected[target] += 1
            while try await getJSON(api + "/v1/datasets/default/ds-\(target)")["numberOfSamples"] as? Int != expected[target] {
                if ContinuousClock.now - start > .seconds(10) { throw ValidationError("append \(index) not visible after 10 s") }
            }
            samples.append(seconds(ContinuousClock.now - start))
        }
        figures.latency = Percentiles(samples)
        figures.apiRoundTrip = Percentiles(roundTrips)
        return figures
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

    private func rssBytes(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb * 1024
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    private func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
    private func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
    private func percent(_ fraction: Double) -> String { String(format: "%.2f %%", fraction * 100) }
}
