import EdgeAIAPI
import Hummingbird
import JSON

extension APIHandler {
    static let strategicMergePatch = "application/strategic-merge-patch+json"

    /// The request bodies only built-in kinds accept, as kubectl sends them for kinds compiled
    /// into it, answered in JSON (which kubectl's protobuf requests accept): a strategic merge patch (`kubectl apply`, see ``StrategicPatch``) on any built-in
    /// kind. (Protobuf bodies, `kubectl create secret` among them, are ``decodeBody(_:kind:)``'s.)
    /// nil: not such a request, handled as every other.
    func builtinKindBody(
        _ request: Request, _ d: ResourceDefinition, verb: String, namespace: String?, name: String?, subresource: String?,
        query: QueryParameters, accept: String
    ) async throws -> Response? {
        let media = Self.mediaType(request)
        switch verb {
        case "patch" where media == Self.strategicMergePatch && d.schema == nil:
            let bytes = try await Self.readBody(request)
            let value: JSONValue
            do { value = try JSONParser.parse(bytes) } catch { throw APIError.badRequest("error decoding patch: \(error.description)") }
            var options = try WriteOptions(query: query)
            options.userAgent = request.headers.first(.userAgent)
            let result = try await rest.patch(
                d, namespace: namespace, name: name ?? "", subresource: subresource, kind: .merge, patch: try StrategicPatch.asMergePatch(value),
                options: options)
            return try Self.respondObject(result.status, result.body, accept: accept, warnings: result.warnings)
        default:
            return nil
        }
    }
}
