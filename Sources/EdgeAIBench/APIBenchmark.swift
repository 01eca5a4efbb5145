import ArgumentParser
import AsyncHTTPClient
import EdgeAIAPI
import EdgeAICore
import Foundation
import JSON
import ManifestYAML
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// `edgeai-bench api`: load against a running `edgeai server` (or any kube-apiserver with the
/// edgeai CRDs) from this separate process, over HTTPS with `--clients` concurrent clients.
///
/// Phases: creates, status merge patches, gets, list of `--count` datasets, watch delivery
/// latency with `--watchers` watchers, then fill to `--fill` datasets and read the server's RSS
/// (`--server-pid`). Every phase counts errors; latencies are end to end (request sent to
/// response or event received).
struct APIBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Benchmark the Kubernetes API server over HTTPS.")

    @Option(help: "Server URL, e.g. https://127.0.0.1:6443 (default: the kubeconfig's).") var server: String?
    @Option(help: "kubeconfig with certificate-authority-data and a token.") var kubeconfig: String
    @Option(help: "Concurrent clients.") var clients = 16
    @Option(help: "Objects per phase (creates, patches; gets are twice this).") var count = 3000
    @Option(help: "Concurrent watchers for the delivery-latency phase.") var watchers = 100
    @Option(help: "Writes observed by the watchers.") var watchEvents = 300
    @Option(help: "Datasets stored in total before RSS is read.") var fill = 10_000
    @Option(help: "PID of the server process, to read its RSS from /proc.") var serverPID: Int32?

    func run() async throws {
        let config = try Kubeconfig(path: kubeconfig)
        let base = server ?? config.server
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(config.caPEM.utf8)))
        var httpConfig = HTTPClient.Configuration(tlsConfiguration: tls)
        httpConfig.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(clients, watchers) + 4)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfig)
        let api = try BenchClient(client: client, base: base, token: config.token, tls: tls)
        defer { _ = client.shutdown() }

        let namespace = "bench-\(Int(Date().timeIntervalSince1970))"
        _ = try await api.send(.POST, "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(namespace)"}}"#)
        let collection = "/apis/edgeai.io/v1alpha1/namespaces/\(namespace)/datasets"
        print("edgeai-bench api: \(base), namespace \(namespace), \(clients) clients")

        let creates = try await api.phase("creates", count: count, clients: clients) { i in
            (.POST, collection, Self.dataset("ds-\(i)"), "application/json", 201)
        }
        let patches = try await api.phase("status merge-patches", count: count, clients: clients) { i in
            (.PATCH, "\(collection)/ds-\(i % count)/status", #"{"status":{"numberOfSamples":\#(i + 1)}}"#, "application/merge-patch+json", 200)
        }
        let gets = try await api.phase("gets", count: count * 2, clients: clients) { i in
            (.GET, "\(collection)/ds-\(i % count)", nil, "", 200)
        }
        var listTimes: [Double] = []
        var listErrors = 0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let (status, body) = try await api.send(.GET, collection, nil)
            listTimes.append((ContinuousClock.now - start).milliseconds)
            let items = (try? JSONParser.parse(body))?["items"]?.arrayValue?.count ?? 0
            if status != 200 || items != count { listErrors += 1 }
        }
        listTimes.sort()
        print(String(format: "list of %d: median %.1f ms, best %.1f ms, errors %d", count, listTimes[2], listTimes[0], listErrors))

        let watch = try await WatchLatency(api: api, collection: collection, watchers: watchers, events: watchEvents, objects: count).run()
        print(String(format: "watch delivery with %d watchers (write sent -> event received): p50 %.2f ms, p99 %.2f ms, max %.2f ms, missed %d", watchers, watch.p50, watch.p99, watch.max, watch.missed))
        print(String(format: "watch delivery with %d watchers (write acknowledged -> event received): p50 %.2f ms, p99 %.2f ms", watchers, watch.ackP50, watch.ackP99))

        if fill > count {
            let filled = try await api.phase("fill to \(fill)", count: fill - count, clients: clients) { i in
                (.POST, collection, Self.dataset("fill-\(i)"), "application/json", 201)
            }
            _ = filled
        }
        if let serverPID, let rss = Self.rssMegabytes(pid: serverPID) {
            print(String(format: "server RSS with %d datasets: %.1f MB", max(fill, count), rss))
        }
        print("")
        print("| measure | edgeai | floor | kube-apiserver 1.36 |")
        print("| --- | --- | --- | --- |")
        print(String(format: "| creates/s | %.0f | 3000 | 1480 |", creates.rate))
        print(String(format: "| status merge-patches/s | %.0f | 2300 | 1150 |", patches.rate))
        print(String(format: "| gets/s | %.0f | 6000 | 3070 |", gets.rate))
        print(String(format: "| list of %d (ms) | %.0f | 400 | 830 |", count, listTimes[2]))
        print(String(format: "| watch p99 (ms), %d watchers | %.2f | 10 | 10 |", watchers, watch.p99))
        print("| errors | \(creates.errors + patches.errors + gets.errors + listErrors + watch.missed) | 0 | |")
    }

    static func dataset(_ name: String) -> String {
        #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"\#(name)","labels":{"bench":"api"}},"spec":{"dataUrl":"/data/\#(name)","format":"txt","nodeName":"edge\#(name.count % 4)"}}"#
    }

    static func rssMegabytes(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return nil
    }
}

/// The server URL, CA and token of a kubeconfig written by `edgeai server`.
struct Kubeconfig {
    var server: String
    var caPEM: String
    var token: String

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let doc = try Manifests.parse(text).first,
              let cluster = doc["clusters"]?.arrayValue?.first?["cluster"],
              let server = cluster["server"]?.stringValue,
              let caData = cluster["certificate-authority-data"]?.stringValue, let ca = Data(base64Encoded: caData),
              let token = doc["users"]?.arrayValue?.first?["user"]?["token"]?.stringValue
        else { throw ValidationError("\(path): needs clusters[0].cluster.server, certificate-authority-data and users[0].user.token") }
        self.server = server
        caPEM = String(decoding: ca, as: UTF8.self)
        self.token = token
    }
}
