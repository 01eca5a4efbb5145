import AsyncHTTPClient
import EdgeAIAPI
import EdgeAIPKI
import EdgeAICloudTesting
import EdgeAITesting
import Foundation
import KubeClient
import JSON
import Logging
import NIOCore
import NIOSSL
import ObjectStore
import ServiceLifecycle
import NIOHTTP1
import Testing

@testable import APIServer

/// The shared in-process API server (``EmbeddedAPI``) and a raw HTTPS client trusting its CA.
final class TestServer: Sendable {
    let api: EmbeddedAPI
    let client: HTTPClient

    var directory: TemporaryDirectory { api.directory }
    var credentials: ClusterCredentials { api.credentials }
    var port: Int { api.port }
    var base: String { "https://127.0.0.1:\(port)" }
    var token: String { credentials.adminToken }

    /// Starts a server over `directory` (a new one by default; an old one keeps its data).
    static func start(
        directory: TemporaryDirectory? = nil, compaction: CompactionPolicy = .default,
        compactionInterval: Duration = .seconds(60), bookmarkInterval: Duration = .seconds(60),
        connectionTimeouts: ConnectionTimeouts = .standard
    ) async throws -> TestServer {
        let dir = try directory ?? TemporaryDirectory(prefix: "apiserver")
        var options = EmbeddedAPI.Options()
        options.compaction = compaction
        options.compactionInterval = compactionInterval
        options.bookmarkInterval = bookmarkInterval
        options.logLevel = .warning
        options.connectionTimeouts = connectionTimeouts
        let api = EmbeddedAPI(
            directory: dir, dataDirectory: dir.path, credentials: try PKIBootstrap.ensure(dataDirectory: dir.path), options: options)
        try await api.start()
        var tls = try api.credentials.clientTLSConfiguration()
        tls.certificateVerification = .fullVerification
        tls.shutdownTimeout = .milliseconds(200)  // a closing watch gets no close_notify back
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        return TestServer(api: api, client: client)
    }

    private init(api: EmbeddedAPI, client: HTTPClient) {
        self.api = api
        self.client = client
    }

    /// A test that throws before ``stop(removeData:)`` fails alone instead of crashing the run:
    /// AsyncHTTPClient traps (in debug builds) when a running client is dropped. After `stop`
    /// this shutdown is a no-op.
    deinit {
        client.shutdown(queue: .global()) { _ in }
    }

    /// Graceful shutdown; keeps the data directory unless `removeData`.
    func stop(removeData: Bool = true) async throws {
        try await client.shutdown()
        await api.stop()
        if removeData { directory.remove() }
    }

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json",
        accept: String = "application/json", token: String?? = .none, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let bearer: String? = switch token {
        case .none: self.token
        case .some(let t): t
        }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Array(bytes.readableBytesView))
    }

    func get(_ path: String, accept: String = "application/json") async throws -> Reply {
        try await request(.GET, path, accept: accept)
    }

    func post(_ path: String, _ body: String, contentType: String = "application/json") async throws -> Reply {
        try await request(.POST, path, body: body, contentType: contentType)
    }

    func patch(_ path: String, _ body: String, type: String = "application/merge-patch+json") async throws -> Reply {
        try await request(.PATCH, path, body: body, contentType: type)
    }

    /// Opens a watch and returns a line reader; the watch ends when the reader is dropped and the client closes.
    func watch(_ path: String, accept: String = "application/json") async throws -> WatchReader {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(30))
        return WatchReader(status: Int(response.status.code), body: response.body)
    }

    static let datasets = "/apis/edgeai.io/v1alpha1/namespaces/default/datasets"

    static func dataset(_ name: String, node: String = "edge0", labels: [String: String] = [:], extra: String = "") -> String {
        let labelJSON = labels.isEmpty ? "" : ",\"labels\":{" + labels.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
        return #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"\#(name)"\#(labelJSON)},"spec":{"dataUrl":"/code/data","format":"txt","nodeName":"\#(node)"\#(extra)}}"#
    }
}

/// Reads newline-delimited watch events from a streaming body.
final class WatchReader: @unchecked Sendable {
    let status: Int
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var lines = LineSplitter()
    private var ended = false

    init(status: Int, body: HTTPClientResponse.Body) {
        self.status = status
        iterator = body.makeAsyncIterator()
    }

    /// The next event, or nil at the end of the stream.
    func next() async throws -> JSONValue? {
        while true {
            if let line = lines.nextLine() {
                if line.isEmpty { continue }
                return try JSONParser.parse(line)
            }
            if ended { return nil }
            guard let chunk = try await iterator.next() else {
                ended = true
                if let last = lines.finish(), !last.isEmpty { return try JSONParser.parse(last) }
                return nil
            }
            try lines.append(chunk.readableBytesView)
        }
    }

    /// The next event that is not a BOOKMARK.
    func nextEvent() async throws -> JSONValue? {
        while let e = try await next() {
            if e["type"] != "BOOKMARK" { return e }
        }
        return nil
    }
}

extension JSONValue {
    var rv: String { self["metadata"]?["resourceVersion"]?.stringValue ?? "" }
}
