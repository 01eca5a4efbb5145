import AsyncHTTPClient
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import Logging
import NIOCore
import NIOSSL
import ObjectStore
import ServiceLifecycle
import NIOHTTP1
import Testing

@testable import APIServer

/// An in-process API server on 127.0.0.1 port 0 with real TLS, and an HTTPS client trusting its CA.
final class TestServer: Sendable {
    let directory: TemporaryDirectory
    let credentials: ClusterCredentials
    let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let client: HTTPClient

    var base: String { "https://127.0.0.1:\(port)" }
    var token: String { credentials.adminToken }

    static func start(
        directory: TemporaryDirectory? = nil, compaction: CompactionPolicy = .default,
        compactionInterval: Duration = .seconds(60), bookmarkInterval: Duration = .seconds(60),
        connectionTimeouts: ConnectionTimeouts = .standard
    ) async throws -> TestServer {
        let dir = try directory ?? TemporaryDirectory(prefix: "apiserver")
        let credentials = try PKIBootstrap.ensure(dataDirectory: dir.path)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var config = APIServer.Configuration(
            dataDirectory: dir.path, port: 0, durability: .processCrashSafe, compaction: compaction,
            compactionInterval: compactionInterval, bookmarkInterval: bookmarkInterval,
            onListening: { continuation.yield($0) })
        config.connectionTimeouts = connectionTimeouts
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = APIServer(configuration: config, credentials: credentials, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw APIError.internalError("server did not start") }
        var tls = try credentials.clientTLSConfiguration()
        tls.certificateVerification = .fullVerification
        tls.shutdownTimeout = .milliseconds(200)  // a closing watch gets no close_notify back
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        return TestServer(directory: dir, credentials: credentials, port: port, group: group, task: task, client: client)
    }

    private init(directory: TemporaryDirectory, credentials: ClusterCredentials, port: Int, group: ServiceGroup, task: Task<Void, any Error>, client: HTTPClient) {
        self.directory = directory
        self.credentials = credentials
        self.port = port
        self.group = group
        self.task = task
        self.client = client
    }

    /// Graceful shutdown; keeps the data directory unless `removeData`.
    func stop(removeData: Bool = true) async throws {
        try await client.shutdown()
        await group.triggerGracefulShutdown()
        try await task.value
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
        accept: String = "application/json", token: String?? = .none
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
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
    private var buffer: [UInt8] = []

    init(status: Int, body: HTTPClientResponse.Body) {
        self.status = status
        iterator = body.makeAsyncIterator()
    }

    /// The next event, or nil at the end of the stream.
    func next() async throws -> JSONValue? {
        while true {
            if let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<nl])
                buffer.removeFirst(nl + 1)
                if line.isEmpty { continue }
                return try JSONParser.parse(line)
            }
            guard let chunk = try await iterator.next() else {
                if buffer.isEmpty { return nil }
                defer { buffer = [] }
                return try JSONParser.parse(buffer)
            }
            buffer.append(contentsOf: chunk.readableBytesView)
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
