import AsyncHTTPClient
import EdgeAIAPI
import EdgeAICore
import Foundation
import ArgumentParser
import JSON
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// One HTTPS client shared by the benchmark's workers, with latency bookkeeping. Request phases
/// send through a ``LoadConnection`` per worker; single requests and watches through `client`.
struct BenchClient: Sendable {
    let client: HTTPClient
    let base: String
    let token: String
    let tls: NIOSSLContext

    init(client: HTTPClient, base: String, token: String, tls: TLSConfiguration) throws {
        self.client = client
        self.base = base
        self.token = token
        self.tls = try NIOSSLContext(configuration: tls)
    }

    struct PhaseResult {
        var rate: Double
        var errors: Int
        /// Process CPU (user + sys, server and clients together) per request.
        var cpuMicroseconds: Double = 0
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: String?, contentType: String = "application/json") async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 256 * 1024 * 1024)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }

    /// Runs `count` requests from `clients` workers; prints throughput and p50/p99 latency.
    func phase(
        _ name: String, count: Int, clients: Int,
        _ make: @escaping @Sendable (Int) -> (HTTPMethod, String, String?, String, Int)
    ) async throws -> PhaseResult {
        guard let url = URL(string: base), let host = url.host, let port = url.port else { throw ValidationError("no host and port in \(base)") }
        let next = Counter()
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds(children: false)
        let take: @Sendable () -> LoadRequest? = {
            let i = next.value.add(1, ordering: .relaxed).oldValue
            guard i < count else { return nil }
            let (method, path, body, contentType, expected) = make(i)
            return LoadRequest(method: method, path: path, body: body, contentType: contentType, expected: expected)
        }
        let token = self.token
        let tls = self.tls
        let tally = await withTaskGroup(of: LoadTally.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var tally = LoadTally()
                    while true {
                        let connection: LoadConnection
                        do {
                            connection = try await LoadConnection.connect(host: host, port: port, tls: tls)
                        } catch {
                            // A connection that cannot be made costs one request, so a dead server ends the phase.
                            guard take() != nil else { break }
                            tally.errors += 1
                            continue
                        }
                        do {
                            tally.add(try await connection.run(take, token: token))
                            await connection.close()
                            break
                        } catch {
                            if let failure = error as? LoadConnectionFailure { tally.add(failure.tally) }
                            tally.errors += 1
                            await connection.close()
                        }
                    }
                    return tally
                }
            }
            return await group.reduce(into: LoadTally()) { $0.add($1) }
        }
        let elapsed = (ContinuousClock.now - start).milliseconds / 1000
        let cpu = cpuSeconds(children: false) - cpuStart
        let latencies = tally.latencies.sorted()
        let errors = tally.errors
        let rate = Double(count) / elapsed
        print(String(format: "%@: %d in %.2f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, errors %d, CPU %.0f µs each (%.2f cores)",
                     name, count, elapsed, rate, Self.percentile(latencies, 0.5), Self.percentile(latencies, 0.99), errors,
                     cpu / Double(count) * 1e6, cpu / elapsed))
        return PhaseResult(rate: rate, errors: errors, cpuMicroseconds: cpu / Double(count) * 1e6)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}

/// Watch delivery latency: `watchers` watches on the collection; `events` status patches sent
/// one after another; latency is from sending a patch to each watcher receiving its event.
struct WatchLatency {
    let api: BenchClient
    let collection: String
    let watchers: Int
    let events: Int
    let objects: Int

    struct Result {
        var p50: Double, p99: Double, max: Double
        var missed: Int
        /// From the write's acknowledgement to delivery (0 when the event arrived first).
        var ackP50: Double, ackP99: Double
    }

    func run() async throws -> Result {
        let (_, listBody) = try await api.send(.GET, collection + "?limit=1", nil)
        let rv = (try? JSONParser.parse(listBody))?["metadata"]?["resourceVersion"]?.stringValue ?? "0"
        let sent = SendTimes()
        let marker = 1_000_000
        let ready = Counter()
        return try await withThrowingTaskGroup(of: ([Double], [(Int, ContinuousClock.Instant)]).self) { group in
            for _ in 0..<watchers {
                group.addTask {
                    var request = HTTPClientRequest(url: api.base + collection + "?watch=1&resourceVersion=\(rv)")
                    request.headers.add(name: "Authorization", value: "Bearer \(api.token)")
                    let response = try await api.client.execute(request, timeout: .seconds(60))
                    ready.value.add(1, ordering: .relaxed)
                    var latencies: [Double] = []
                    var arrivals: [(Int, ContinuousClock.Instant)] = []
                    var buffer: [UInt8] = []
                    for try await chunk in response.body {
                        buffer.append(contentsOf: chunk.readableBytesView)
                        while let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                            let line = Array(buffer[..<nl])
                            buffer.removeFirst(nl + 1)
                            guard let n = (try? JSONParser.parse(line))?["object"]?["status"]?["numberOfSamples"]?.intValue,
                                  n >= marker else { continue }
                            let seq = Int(n) - marker
                            let now = ContinuousClock.now
                            if let t = sent.times.withLock({ $0[seq] }) { latencies.append((now - t).milliseconds) }
                            arrivals.append((seq, now))
                            if seq == events - 1 { return (latencies, arrivals) }
                        }
                    }
                    return (latencies, arrivals)
                }
            }
            while ready.value.load(ordering: .relaxed) < watchers { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(200))
            for i in 0..<events {
                sent.times.withLock { $0[i] = ContinuousClock.now }
                _ = try await api.send(.PATCH, "\(collection)/ds-\(i % objects)/status", #"{"status":{"numberOfSamples":\#(marker + i)}}"#, contentType: "application/merge-patch+json")
                sent.acks.withLock { $0[i] = ContinuousClock.now }
            }
            var all: [Double] = []
            var fromAck: [Double] = []
            var missed = 0
            let acks = sent.acks.withLock { $0 }
            for try await (latencies, arrivals) in group {
                all += latencies
                missed += events - latencies.count
                for (seq, at) in arrivals { if let ack = acks[seq] { fromAck.append(max(0, (at - ack).milliseconds)) } }
            }
            all.sort()
            fromAck.sort()
            return Result(
                p50: BenchClient.percentile(all, 0.5), p99: BenchClient.percentile(all, 0.99), max: all.last ?? 0, missed: missed,
                ackP50: BenchClient.percentile(fromAck, 0.5), ackP99: BenchClient.percentile(fromAck, 0.99))
        }
    }
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

final class SendTimes: Sendable {
    let times = Mutex<[Int: ContinuousClock.Instant]>([:])
    let acks = Mutex<[Int: ContinuousClock.Instant]>([:])
}
