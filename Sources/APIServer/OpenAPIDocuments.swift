import EdgeAIAPI
import JSON

/// `/openapi/v3` (index and per group-version documents) and `/openapi/v2`, built once from the
/// registry's schemas, enough for `kubectl explain` and kubectl's field validation.
struct OpenAPIDocuments: Sendable {
    /// Serialized group-version documents keyed by `apis/<group>/<version>` or `api/v1`.
    let v3: [String: [UInt8]]
    let v3Index: [UInt8]
    let v2: [UInt8]

    init(registry: ResourceRegistry) {
        let meta = (try? JSONParser.parse(PackageResources.meta_schemas_json))?.objectValue ?? [:]
        var docs: [String: [UInt8]] = [:]
        var allSchemas = meta
        var keys: [(String, String, String)] = []
        for d in registry.definitions {
            let k = d.type.group.isEmpty ? "api/\(d.type.version)" : "apis/\(d.type.group)/\(d.type.version)"
            if !keys.contains(where: { $0.0 == k }) { keys.append((k, d.type.group, d.type.version)) }
        }
        var index: [String: JSONValue] = [:]
        for (k, group, version) in keys {
            var schemas = meta
            var paths: [String: JSONValue] = [:]
            for d in registry.resources(group: group, version: version) {
                let (object, list) = Self.schemas(d)
                schemas[Self.schemaName(d, d.type.kind)] = object
                schemas[Self.schemaName(d, d.listKind)] = list
                allSchemas[Self.schemaName(d, d.type.kind)] = object
                allSchemas[Self.schemaName(d, d.listKind)] = list
                paths.merge(Self.paths(d)) { a, _ in a }
            }
            let doc: JSONValue = [
                "openapi": "3.0.0", "info": ["title": "Kubernetes CRD Swagger", "version": "v0.1.0"],
                "paths": .object(paths), "components": ["schemas": .object(schemas)],
            ]
            let bytes = JSONWriter.bytes(doc)
            docs[k] = bytes
            index[k] = ["serverRelativeURL": .string("/openapi/v3/\(k)?hash=\(Self.hash(bytes))")]
        }
        v3 = docs
        v3Index = JSONWriter.bytes(["paths": .object(index)])
        let swagger: JSONValue = [
            "swagger": "2.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object([:]),
            "definitions": .object(allSchemas),
        ]
        let text = JSONWriter.string(swagger).replacingAll("#/components/schemas/", with: "#/definitions/")
        v2 = Array(text.utf8)
    }

    /// `io.edgeai.v1alpha1.Dataset`, `io.k8s.api.core.v1.Namespace`.
    static func schemaName(_ d: ResourceDefinition, _ kind: String) -> String {
        let group: String
        switch d.type.group {
        case "": group = "io.k8s.api.core"
        case let g where g.hasSuffix(".k8s.io"): group = "io.k8s.api." + g.dropLast(".k8s.io".count)
        case let g: group = g.split(separator: ".").reversed().joined(separator: ".")
        }
        return "\(group).\(d.type.version).\(kind)"
    }

    static func gvk(_ d: ResourceDefinition, _ kind: String) -> JSONValue {
        [["group": .string(d.type.group), "kind": .string(kind), "version": .string(d.type.version)]]
    }

    static func schemas(_ d: ResourceDefinition) -> (JSONValue, JSONValue) {
        var object: JSONValue = (d.schema.flatMap { try? KubeJSON.value($0) }) ?? BuiltinSchemas.schema(for: d)
            ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
        var properties = object["properties"]?.objectValue ?? [:]
        properties["apiVersion"] = ["type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."]
        properties["kind"] = ["type": "string", "description": "Kind is a string value representing the REST resource this object represents."]
        properties["metadata"] = [
            "description": "Standard object's metadata.",
            "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]],
        ]
        object["properties"] = .object(properties)
        object["type"] = "object"
        object["x-kubernetes-group-version-kind"] = gvk(d, d.type.kind)
        let list: JSONValue = [
            "description": .string("\(d.listKind) is a list of \(d.type.kind)"), "type": "object", "required": ["items"],
            "properties": [
                "apiVersion": ["type": "string"], "kind": ["type": "string"],
                "items": ["type": "array", "items": ["$ref": .string("#/components/schemas/\(schemaName(d, d.type.kind))")]],
                "metadata": ["allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"]]],
            ],
            "x-kubernetes-group-version-kind": gvk(d, d.listKind),
        ]
        return (object, list)
    }

    static func paths(_ d: ResourceDefinition) -> [String: JSONValue] {
        let base = d.type.group.isEmpty ? "/api/\(d.type.version)" : "/apis/\(d.type.group)/\(d.type.version)"
        let collection = d.type.namespaced ? "\(base)/namespaces/{namespace}/\(d.type.plural)" : "\(base)/\(d.type.plural)"
        func op(_ action: String, _ kind: String) -> JSONValue {
            [
                "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk(d, d.type.kind).arrayValue?.first ?? .null,
                "operationId": .string("\(action)\(d.type.kind)"),
                "parameters": .array(["dryRun", "fieldManager", "fieldValidation", "force"].map { name in
                    ["name": .string(name), "in": "query", "schema": ["type": "string", "uniqueItems": true]]
                }),
                "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(schemaName(d, kind))")]]]]],
            ]
        }
        var paths: [String: JSONValue] = [
            collection: ["get": op("list", d.listKind), "post": op("post", d.type.kind), "delete": op("deletecollection", d.type.kind)],
            "\(collection)/{name}": ["get": op("get", d.type.kind), "put": op("put", d.type.kind), "patch": op("patch", d.type.kind), "delete": op("delete", d.type.kind)],
        ]
        if d.hasStatusSubresource {
            paths["\(collection)/{name}/status"] = ["get": op("get", d.type.kind), "put": op("put", d.type.kind), "patch": op("patch", d.type.kind)]
        }
        return paths
    }

    /// FNV-1a 64, hex: a stable cache key for the index's `hash` parameters.
    static func hash(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
