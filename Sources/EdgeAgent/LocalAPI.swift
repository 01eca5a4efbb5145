import EdgeAIAPI
import EdgeSync
import Foundation
import Hummingbird
package import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP API jobs on the node use to find their data and models and to report model metrics
/// (`docs/agent-api.md`). Plain HTTP on a loopback address: it is for processes on this node.
///
/// - `GET /healthz`: 200 `{"status":"ok"}`, or 503 with the reason once the dataset monitor
///   has made no progress for its liveness timeout (``MonitorHealth``): the liveness probe.
/// - `GET /metrics`: Prometheus text (``AgentMetrics``).
/// - `GET /v1/datasets`, `GET /v1/datasets/{namespace}/{name}`
/// - `GET /v1/models`, `GET /v1/models/{namespace}/{name}`; a remote model's view has its
///   delivery `phase`, the cached `path` and its `version`. `?wait=ready` long-polls until it is
///   Ready or Failed, `?wait=change&version=V` until its version is no longer V (a new one was
///   switched in) or it failed, each at most `timeoutSeconds` (default 30, at most 60).
/// - `POST /v1/models/{namespace}/{name}/metrics` with `{"metrics":[{"key":…,"value":…}]}`
///
/// Reads only ``EdgeNode``'s in-memory view; metrics go through the durable outbox before the
/// answer (`202 Accepted`). Runs until graceful shutdown.
package struct LocalAPI: Service {
    package let node: EdgeNode
    package let host: String
    package let port: Int
    let onListening: @Sendable (Int) async -> Void
    let logger: Logger

    package init(node: EdgeNode, host: String = "127.0.0.1", port: Int, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.node = node
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        let onListening = self.onListening
        let logger = self.logger
        let app = Application(
            router: Self.router(node),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("edge agent local API listening", metadata: ["address": "http://127.0.0.1:\(port)"])
                await onListening(port)
            },
            logger: logger)
        try await app.runService()
    }

    static func router(_ node: EdgeNode) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/healthz") { _, _ in
            if let problem = node.monitor.health.problem() {
                return Self.json(["status": "unhealthy", "reason": problem], status: .serviceUnavailable)
            }
            return Self.json(["status": "ok"])
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await node.metricsText())))
        }
        router.get("/v1/datasets") { _, _ in Self.json(Items(items: await node.datasets())) }
        router.get("/v1/datasets/:namespace/:name") { _, context in
            let (namespace, name) = try Self.identity(context)
            guard let view = await node.dataset(namespace: namespace, name: name) else {
                return Self.error(.notFound, "dataset \(namespace)/\(name) is not on this node")
            }
            return Self.json(view)
        }
        router.get("/v1/models") { _, _ in Self.json(Items(items: await node.models())) }
        router.get("/v1/models/:namespace/:name") { request, context in
            let (namespace, name) = try Self.identity(context)
            let query = request.uri.queryParameters
            if let wait = query.get("wait") {
                guard wait == "ready" || wait == "change" else { return Self.error(.badRequest, "wait must be ready or change") }
                let seconds = query.get("timeoutSeconds").map { Int($0) } ?? 30
                guard let seconds, (0...Self.maximumWaitSeconds).contains(seconds) else {
                    return Self.error(.badRequest, "timeoutSeconds must be an integer from 0 to \(Self.maximumWaitSeconds)")
                }
                let version = query.get("version")
                let key = SyncKey(kind: .model, namespace: namespace, name: name)
                _ = await node.delivery?.wait(key, timeout: .seconds(seconds)) { state in
                    state.phase == .failed || (wait == "ready" ? state.phase == .ready : state.version != nil && state.version != version)
                }
            }
            guard let view = await node.model(namespace: namespace, name: name) else {
                return Self.error(.notFound, "model \(namespace)/\(name) is not on this node")
            }
            return Self.json(view)
        }
        router.post("/v1/models/:namespace/:name/metrics") { request, context in
            let (namespace, name) = try Self.identity(context)
            let body = try await request.body.collect(upTo: 1 << 20)
            let input: MetricsInput
            do {
                input = try JSONDecoder().decode(MetricsInput.self, from: Data(body.readableBytesView))
            } catch {
                return Self.error(.badRequest, "invalid metrics body: \(Self.describe(error)); expected {\"metrics\":[{\"key\":\"accuracy\",\"value\":\"0.93\"}]}")
            }
            do {
                guard let report = try await node.reportMetrics(namespace: namespace, name: name, metrics: input.metrics) else {
                    return Self.error(.notFound, "model \(namespace)/\(name) is not on this node")
                }
                return Self.json(["reportID": report.reportID], status: .accepted)
            } catch let error as EdgeNode.MetricsError {
                return Self.error(.badRequest, error.description)
            }
        }
        return router
    }

    /// The longest a model long-poll waits.
    static let maximumWaitSeconds = 60

    private static func identity(_ context: BasicRequestContext) throws -> (String, String) {
        (try context.parameters.require("namespace"), try context.parameters.require("name"))
    }

    struct Items<T: Encodable>: Encodable { var items: [T] }

    /// `{"metrics":[{"key":"k","value":"v"}]}`; a value may also be a JSON number or boolean.
    struct MetricsInput: Decodable {
        var metrics: [ModelMetric]

        private enum CodingKeys: String, CodingKey { case metrics }
        private struct Entry: Decodable {
            var key: String
            var value: String
            private enum CodingKeys: String, CodingKey { case key, value }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                key = try container.decode(String.self, forKey: .key)
                if let text = try? container.decode(String.self, forKey: .value) {
                    value = text
                } else if let integer = try? container.decode(Int64.self, forKey: .value) {
                    value = String(integer)
                } else if let number = try? container.decode(Double.self, forKey: .value) {
                    value = String(number)
                } else {
                    value = String(try container.decode(Bool.self, forKey: .value))
                }
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            metrics = try container.decode([Entry].self, forKey: .metrics).map { ModelMetric(key: $0.key, value: $0.value) }
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")): Required value"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(context.codingPath.map(\.stringValue).joined(separator: ".")): invalid"
        default:
            return "\(error)"
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var buffer = ByteBuffer(bytes: data)
        buffer.writeString("\n")
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }
}
