import EdgeAIAPI
import EdgeAIPKI
import Hummingbird
import JSON
import KubeProtobuf
import ManifestYAML
import NIOCore
import NIOHTTP1
import ObjectStore

extension APIHandler {
    /// Object and collection requests for any registered kind.
    func resource(_ request: Request, path: RequestTarget.ResourcePath, user: UserInfo) async throws -> Response {
        guard let d = registry.lookup(group: path.group, version: path.version, plural: path.plural) else {
            throw APIError.pathNotFound()
        }
        if let sub = path.subresource, sub != "status" || !d.hasStatusSubresource || path.name == nil { throw APIError.pathNotFound() }
        if !d.type.namespaced, path.namespace != nil { throw APIError.pathNotFound() }
        let query = QueryParameters(request.uri.query)
        let namespace = d.type.namespaced ? path.namespace : nil
        let watch = query.flag("watch")
        let verb: String
        switch (request.method, path.name) {
        case (.get, nil), (.head, nil): verb = watch ? "watch" : "list"
        case (.get, _?), (.head, _?): verb = "get"
        case (.post, nil): verb = "create"
        case (.put, _?): verb = "update"
        case (.patch, _?): verb = "patch"
        case (.delete, nil): verb = "deletecollection"
        case (.delete, _?): verb = "delete"
        default: throw APIError.methodNotAllowed(request.method.rawValue)
        }
        let attributes = Authorizer.Attributes(verb: verb, group: d.type.group, resource: d.type.plural, subresource: path.subresource, namespace: namespace)
        guard Authorizer.isAllowed(user, attributes) else {
            throw APIError.forbidden(
                user: user.name, verb: verb, resource: d, resourceName: d.type.plural, subresource: path.subresource,
                name: path.name, namespace: namespace)
        }
        let accept = request.headers.first(.accept) ?? ""
        let table = Self.accept(accept, asks: "as=Table")
        do {
            if let response = try await builtinKindBody(request, d, verb: verb, namespace: namespace, name: path.name, subresource: path.subresource,
                query: query, accept: accept) {
                return response
            }
            switch verb {
            case "get":
                let object = try await rest.get(d, namespace: namespace, name: path.name ?? "")
                if table {
                    let parsed = try JSONParser.parse(object.value)
                    let t = TableConverter(definition: d).table(objects: [parsed], resourceVersion: String(object.revision))
                    return Self.json(200, JSONWriter.bytes(t))
                }
                return try Self.respondObject(200, object.value, accept: accept)
            case "list":
                _ = try ListQuery(query: query, watch: false)
                let options = try ListOptions(query: query, definition: d)
                let page = try await rest.list(d, namespace: namespace, options: options)
                if table {
                    let objects = page.items.compactMap { try? JSONParser.parse($0.value) }
                    let t = TableConverter(definition: d).table(
                        objects: objects, resourceVersion: String(page.revision), continueToken: page.continueToken, remaining: page.remaining)
                    return Self.json(200, JSONWriter.bytes(t))
                }
                let body = ListEncoder.list(
                    d, items: page.items.map(\.value), resourceVersion: String(page.revision),
                    continueToken: page.continueToken, remaining: page.remaining)
                return try Self.respondObject(200, body, accept: accept)
            case "watch":
                let options = try ListOptions(query: query, definition: d)
                return try await watchResponse(d, namespace: namespace, options: options, query: query, table: table)
            case "create":
                var options = try WriteOptions(query: query)
                options.userAgent = request.headers.first(.userAgent)
                let decoded = try await Self.decodeBody(request, kind: d.type.kind)
                let duplicates = try DuplicateFields.check(decoded.duplicateKeys, d, options: options)
                let result = try await rest.create(d, namespace: namespace, body: decoded.value, options: options)
                return try Self.respondObject(result.status, result.body, accept: accept, warnings: duplicates + result.warnings)
            case "update":
                var options = try WriteOptions(query: query)
                options.userAgent = request.headers.first(.userAgent)
                let decoded = try await Self.decodeBody(request, kind: d.type.kind)
                let duplicates = try DuplicateFields.check(decoded.duplicateKeys, d, options: options)
                let result = try await rest.update(
                    d, namespace: namespace, name: path.name ?? "", subresource: path.subresource, body: decoded.value, options: options)
                return try Self.respondObject(result.status, result.body, accept: accept, warnings: duplicates + result.warnings)
            case "patch":
                var options = try WriteOptions(query: query)
                options.userAgent = request.headers.first(.userAgent)
                let (kind, patch, duplicates) = try await Self.decodePatch(request)
                let warnings = try DuplicateFields.checkPatch(duplicates, kind: kind, options: options)
                let result = try await rest.patch(
                    d, namespace: namespace, name: path.name ?? "", subresource: path.subresource, kind: kind, patch: patch,
                    options: options)
                return try Self.respondObject(result.status, result.body, accept: accept, warnings: warnings + result.warnings)
            case "delete":
                let options = try Self.deleteOptions(try await Self.optionalBody(request), query: query)
                let result = try await rest.delete(d, namespace: namespace, name: path.name ?? "", options: options.0, deleteOptions: options.1)
                return try Self.respondObject(result.status, result.body, accept: accept)
            default:
                let options = try ListOptions(query: query, definition: d)
                let write = try Self.deleteOptions(try await Self.optionalBody(request), query: query).0
                let body = try await rest.deleteCollection(
                    d, namespace: namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, options: write)
                return try Self.respondObject(200, body, accept: accept)
            }
        } catch let error as StoreError {
            switch error.code {
            case .notFound: throw APIError.notFound(d, name: path.name ?? "")
            case .alreadyExists: throw APIError.alreadyExists(d, name: error.key?.name ?? path.name ?? "")
            case .conflict: throw APIError.conflict(d, name: path.name ?? "")
            default: throw Self.translate(error)
            }
        }
    }

    /// JSON, or YAML when the client prefers `application/yaml`.
    static func respondObject(_ status: Int, _ body: [UInt8], accept: String, warnings: [String] = []) throws -> Response {
        if let proto = protobufResponse(status, body, accept: accept, warnings: warnings) { return proto }
        if accept.hasPrefix("application/yaml") {
            let value = try JSONParser.parse(body)
            return json(status, Array(Manifests.yaml(value).utf8), contentType: "application/yaml", warnings: warnings)
        }
        return json(status, body, warnings: warnings)
    }

    static func readBody(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodySize {
            throw APIError.tooLarge(limit: maxBodySize)
        }
        do {
            let buffer = try await request.body.collect(upTo: maxBodySize)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(limit: maxBodySize)
        } catch is RequestBodyTimeout {
            throw APIError.requestTimeout()
        } catch let error as HTTPParserError {
            // A malformed body (a bad chunk size, a truncated chunk) is the client's fault.
            throw APIError.badRequest("error reading request body: \(error)")
        }
    }

    static func mediaType(_ request: Request) -> String {
        let raw = request.headers.first(.contentType) ?? "application/json"
        // Most requests name a bare lower-case type: no split, trim or case mapping needed.
        if !raw.utf8.contains(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || (65...90).contains($0) }) {
            return raw
        }
        return String(raw.split(separator: ";").first ?? "").trimmingSpaces.lowercased()
    }

    /// The request body as an object: JSON or YAML, with kube-apiserver's wording for bad input.
    static func decodeBody(_ request: Request, kind: String) async throws -> DecodedBody {
        let media = mediaType(request)
        if media == KubeProtobufCodec.mediaType, protobufKinds.contains(kind) {
            return DecodedBody(value: try decodeProtobuf(try await readBody(request), kind: kind))
        }
        guard ["application/json", "application/yaml", "*/*", ""].contains(media) else { throw APIError.unsupportedBody() }
        let bytes = try await readBody(request)
        if media == "application/yaml" { return DecodedBody(value: try parse(bytes, yaml: true, kind: kind)) }
        var duplicates: [String] = []
        if let value = try? JSONParser.parse(bytes, duplicateKeys: &duplicates) {
            return DecodedBody(value: value, duplicateKeys: duplicates)
        }
        return DecodedBody(value: try parse(bytes, yaml: false, kind: kind))
    }

    static func parse(_ bytes: [UInt8], yaml: Bool, kind: String) throws -> JSONValue {
        let prefix = "the object provided is unrecognized (must be of type \(kind)): couldn't get version/kind; "
        if yaml {
            do {
                let docs = try Manifests.parse(String(decoding: bytes, as: UTF8.self))
                guard docs.count == 1, let doc = docs.first else { throw APIError.badRequest(prefix + "yaml: expected exactly one document") }
                return doc
            } catch let error as Manifests.ParseError {
                throw APIError.badRequest(prefix + "yaml: \(error.message)")
            }
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            let reason = error.offset >= bytes.count ? "unexpected end of JSON input" : error.message
            let snippet = kind == "Secret" ? "<secret contents redacted>" : String(decoding: bytes.prefix(30), as: UTF8.self) + (bytes.count > 30 ? " ..." : "")
            throw APIError.badRequest(prefix + "json parse error: \(reason) (\(snippet))")
        }
    }

    /// The patch, its kind, and the paths of keys repeated in a JSON (merge or JSON) patch.
    static func decodePatch(_ request: Request) async throws -> (PatchKind, JSONValue, [String]) {
        let kind: PatchKind
        switch mediaType(request) {
        case "application/merge-patch+json": kind = .merge
        case "application/json-patch+json": kind = .json
        case "application/apply-patch+yaml", "application/apply-patch+json": kind = .apply
        default: throw APIError.unsupportedPatch()
        }
        let bytes = try await readBody(request)
        if kind == .apply {
            do {
                let docs = try Manifests.parse(String(decoding: bytes, as: UTF8.self))
                guard docs.count == 1, let doc = docs.first else { throw APIError.badRequest("error decoding YAML: expected exactly one document") }
                return (kind, doc, [])
            } catch let error as Manifests.ParseError {
                throw APIError.badRequest("error decoding YAML: \(error.message)")
            }
        }
        do {
            var duplicates: [String] = []
            let value = try JSONParser.parse(bytes, duplicateKeys: &duplicates)
            return (kind, value, duplicates)
        } catch {
            throw APIError.badRequest("error decoding patch: \(error.description)")
        }
    }

    static func optionalBody(_ request: Request) async throws -> JSONValue? {
        let bytes = try await readBody(request)
        if bytes.isEmpty { return nil }
        if mediaType(request) == KubeProtobufCodec.mediaType { return try decodeProtobuf(bytes, kind: "DeleteOptions") }
        do { return try JSONParser.parse(bytes) } catch { throw APIError.badRequest("error decoding DeleteOptions: \(error.description)") }
    }

    static func deleteOptions(_ body: JSONValue?, query: QueryParameters) throws -> (WriteOptions, JSONValue?) {
        var options = try WriteOptions(query: query)
        if let dry = body?["dryRun"]?.arrayValue, dry.contains("All") { options.dryRun = true }
        return (options, body)
    }
}
