import EdgeAIAPI
import EdgeAIPKI
import Hummingbird
import JSON

extension APIHandler {
    /// `POST` of a self review (``SelfReview``): authorized like any create (every
    /// authenticated user holds it), answered 201 with the evaluated review; nothing is stored.
    func review(_ request: Request, _ endpoint: SelfReview.Endpoint, path: RequestTarget.ResourcePath, user: UserInfo) async throws -> Response {
        guard path.namespace == nil, path.name == nil, path.subresource == nil else { throw APIError.pathNotFound() }
        guard request.method == .post else { throw APIError.methodNotAllowed(request.method.rawValue) }
        let attributes = Authorizer.Attributes(verb: "create", group: endpoint.group, resource: endpoint.plural)
        guard Authorizer.isAllowed(user, attributes) else {
            throw APIError.forbidden(
                user: user.name, verb: "create", resource: nil, resourceName: endpoint.plural, subresource: nil, name: nil, namespace: nil)
        }
        let options = try WriteOptions(query: QueryParameters(request.uri.query))
        let decoded = try await Self.decodeBody(request, kind: endpoint.kind)
        let duplicates = try DuplicateFields.check(decoded.duplicateKeys, kind: endpoint.kind, version: endpoint.version, options: options)
        let answer = try SelfReview.evaluate(endpoint, body: decoded.value, user: user, fieldValidation: options.fieldValidation, now: .now())
        return try Self.respondObject(
            201, JSONWriter.bytes(answer.body), accept: request.headers.first(.accept) ?? "", warnings: duplicates + answer.warnings)
    }
}
