import EdgeAIAPI
import JSON

/// An API failure rendered as a Kubernetes `Status`, worded as kube-apiserver words it.
///
/// Every error the server returns goes through this type; foreign errors (store, parser) are
/// translated at the boundary by the static constructors below.
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONValue?

    /// The Status object.
    var status: JSONValue {
        var object: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]),
            "status": "Failure", "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if reason.isEmpty { object["reason"] = nil }
        if let details { object["details"] = details }
        return .object(object)
    }

    static func details(name: String?, resource: ResourceDefinition, kind: String? = nil) -> JSONValue {
        var d: [String: JSONValue] = ["group": .string(resource.type.group), "kind": .string(kind ?? resource.type.plural)]
        if let name { d["name"] = .string(name) }
        return .object(d)
    }

    static func notFound(_ resource: ResourceDefinition, name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.type.qualifiedName) \(quote(name)) not found",
            details: details(name: name, resource: resource))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \(quote(namespace)) not found",
            details: .object(["name": .string(namespace), "kind": "namespaces"]))
    }

    static func alreadyExists(_ resource: ResourceDefinition, name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.type.qualifiedName) \(quote(name)) already exists",
            details: details(name: name, resource: resource))
    }

    static func conflict(_ resource: ResourceDefinition, name: String, message: String? = nil) -> APIError {
        let text = message ?? "the object has been modified; please apply your changes to the latest version and try again"
        return APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.type.qualifiedName) \(quote(name)): \(text)",
            details: details(name: name, resource: resource))
    }

    static func invalid(_ error: ValidationError, resource: ResourceDefinition) -> APIError {
        var d: [String: JSONValue] = [
            "name": .string(error.name), "group": .string(resource.type.group), "kind": .string(resource.type.kind),
        ]
        d["causes"] = .array(error.violations.map { v in
            .object(["reason": .string(v.reason.rawValue), "message": .string(v.detail), "field": .string(v.field)])
        })
        return APIError(code: 422, reason: "Invalid", message: error.description, details: .object(d))
    }

    /// The generic 422 kube-apiserver answers for a JSON patch that cannot be applied (reference 32).
    static func patchRejected() -> APIError {
        APIError(
            code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request",
            details: .object([:]))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    static func forbidden(
        user: String, verb: String, resource: ResourceDefinition?, resourceName: String, subresource: String?,
        name: String?, namespace: String?
    ) -> APIError {
        let group = resource?.type.group ?? ""
        let qualified = group.isEmpty ? resourceName : "\(resourceName).\(group)"
        let subject = name.map { "\(qualified) \(quote($0))" } ?? qualified
        let full = subresource.map { "\(resourceName)/\($0)" } ?? resourceName
        let scope = namespace.map { "in the namespace \(quote($0))" } ?? "at the cluster scope"
        var d: [String: JSONValue] = ["group": .string(group), "kind": .string(resourceName)]
        if let name { d["name"] = .string(name) }
        return APIError(
            code: 403, reason: "Forbidden",
            message: "\(subject) is forbidden: User \(quote(user)) cannot \(verb) resource \(quote(full)) in API group \(quote(group)) \(scope)",
            details: .object(d))
    }

    static func forbiddenPath(user: String, verb: String, path: String) -> APIError {
        APIError(
            code: 403, reason: "Forbidden",
            message: "forbidden: User \(quote(user)) cannot \(verb) path \(quote(path))", details: .object([:]))
    }

    static func tooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    static func unsupportedPatch() -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
    }

    static func unsupportedBody() -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    static func pathNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: .object([:]))
    }

    static func expired(requested: Int64, oldest: Int64) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    /// kube-apiserver's answer when a request outlasts its timeout (a body that never ends).
    static func requestTimeout() -> APIError {
        APIError(
            code: 504, reason: "Timeout", message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
            details: .object([:]))
    }

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    static func quote(_ s: String) -> String { JSONWriter.string(.string(s)) }
}
