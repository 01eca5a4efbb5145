import EdgeAIAPI
import EdgeAIPKI
import Hummingbird
import HTTPTypes
import JSON
import NIOCore
import NIOSSL
import ObjectStore

/// The single HTTP handler: authenticates, routes a Kubernetes path, authorizes, and answers
/// with JSON (or a Status on failure). Stateless apart from the store it wraps.
struct APIHandler: Sendable {
    let rest: ObjectREST
    let registry: ResourceRegistry
    let tokens: TokenStore
    let discovery: Discovery
    let openAPI: OpenAPIDocuments
    let shutdown: ShutdownSignal
    let bookmarkInterval: Duration
    /// Serves `/metrics` when set.
    var metrics: APIServerMetrics? = nil
    static let maxBodySize = 3 * 1024 * 1024

    /// Answers `request`, whose path parses to `target`.
    func respond(_ request: Request, _ context: APIRequestContext, target: RequestTarget) async -> Response {
        do {
            return try await route(request, context, target: target)
        } catch let error as APIError {
            return Self.status(error, for: request)
        } catch let error as StoreError {
            return Self.status(Self.translate(error), for: request)
        } catch {
            return Self.status(.internalError("\(error)"), for: request)
        }
    }

    /// Whether an `Accept` header names a media-type parameter such as `as=Table` (without a
    /// substring search in the common case of no parameter at all).
    static func accept(_ accept: String, asks parameter: String) -> Bool {
        accept.utf8.contains(UInt8(ascii: ";")) && accept.contains(parameter)
    }

    static func translate(_ error: StoreError) -> APIError {
        if let (requested, oldest) = error.compaction { return .expired(requested: requested, oldest: oldest) }
        switch error.code {
        case .tooLarge: return .tooLarge(limit: maxBodySize)
        case .closed: return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is shutting down")
        default: return .internalError(error.description)
        }
    }

    private func route(_ request: Request, _ context: APIRequestContext, target: RequestTarget) async throws -> Response {
        switch target {
        case .healthz, .readyz, .livez:
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
        case .version:
            return Self.json(200, JSONWriter.bytes(Discovery.version))
        default: break
        }
        guard let user = await authenticate(request, context) else { throw APIError.unauthorized() }
        let accept = request.headers.first(.accept) ?? ""
        let aggregated = Self.accept(accept, asks: "as=APIGroupDiscoveryList")
        switch target {
        case .coreVersions:
            try Self.requireGet(request)
            if aggregated { return Self.json(200, JSONWriter.bytes(discovery.aggregated(core: true)), contentType: Discovery.aggregatedContentType) }
            return Self.json(200, JSONWriter.bytes(discovery.apiVersions(serverAddress: request.head.authority ?? "127.0.0.1")))
        case .groups:
            try Self.requireGet(request)
            if aggregated { return Self.json(200, JSONWriter.bytes(discovery.aggregated(core: false)), contentType: Discovery.aggregatedContentType) }
            return Self.json(200, JSONWriter.bytes(discovery.groupList()))
        case .group(let name):
            try Self.requireGet(request)
            guard let doc = discovery.group(named: name) else { throw APIError.pathNotFound() }
            return Self.json(200, JSONWriter.bytes(doc))
        case .groupVersion(let group, let version):
            try Self.requireGet(request)
            guard let doc = discovery.resourceList(group: group, version: version) else { throw APIError.pathNotFound() }
            return Self.json(200, JSONWriter.bytes(doc))
        case .openAPIV3Index:
            try Self.requireGet(request)
            return Self.json(200, openAPI.v3Index, contentType: "text/plain; charset=utf-8")
        case .openAPIV3(let group, let version):
            try Self.requireGet(request)
            let k = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
            guard let doc = openAPI.v3[k] else { throw APIError.pathNotFound() }
            return Self.json(200, doc)
        case .openAPIV2:
            try Self.requireGet(request)
            return Self.json(200, openAPI.v2)
        case .resource(let path):
            if let review = SelfReview.endpoint(group: path.group, version: path.version, plural: path.plural) {
                return try await self.review(request, review, path: path, user: user)
            }
            return try await resource(request, path: path, user: user)
        case .metrics:
            return try await metricsResponse(request, user: user)
        default:
            throw APIError.pathNotFound()
        }
    }

    private static func requireGet(_ request: Request) throws {
        guard request.method == .get || request.method == .head else { throw APIError.methodNotAllowed(request.method.rawValue) }
    }

    /// A bearer token if one is sent (an invalid one is not rescued by a certificate, as in
    /// kube-apiserver's union authenticator order), else a verified client certificate.
    private func authenticate(_ request: Request, _ context: APIRequestContext) async -> UserInfo? {
        if let header = request.headers.first(.authorization) {
            if let user = tokens.authenticate(authorizationHeader: header) { return user }
        }
        guard let certificate = try? await context.channel.nioSSL_peerCertificate().get() else { return nil }
        return UserInfo.from(certificate: certificate)
    }

    static func json(_ status: Int, _ bytes: [UInt8], contentType: String = "application/json", warnings: [String] = []) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        for w in warnings {
            headers.append(HTTPField(name: warningHeader, value: "299 - \(APIError.quote(w))"))
        }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func status(_ error: APIError) -> Response {
        json(error.code, JSONWriter.bytes(error.status))
    }

    static let warningHeader = HTTPField.Name("Warning") ?? .contentType
}
