import EdgeAIAPI
import Foundation
import JSON
import ObjectStore

/// Kubernetes REST semantics for any registered kind over the ``ObjectStore``: create, get,
/// update, patch, delete with generation, status-subresource, finalizer and precondition rules.
///
/// Objects are handled as ``JSONValue``; the store holds their final JSON bytes (with the
/// resourceVersion spliced in by ``ObjectTemplate``), so reads return stored bytes unchanged.
/// Throws ``APIError`` (and passes ``StoreError``s through for ``APIError/from(_:)``).
struct ObjectREST: Sendable {
    let store: ObjectStore
    let registry: ResourceRegistry

    func key(_ d: ResourceDefinition, _ namespace: String?, _ name: String) -> ObjectKey {
        ObjectKey(resource: d.storeResource, namespace: d.type.namespaced ? (namespace ?? "") : "", name: name)
    }

    func get(_ d: ResourceDefinition, namespace: String?, name: String) async throws -> StoredObject {
        guard let object = await store.get(key(d, namespace, name)) else { throw APIError.notFound(d, name: name) }
        return object
    }

    func requireNamespace(_ d: ResourceDefinition, _ namespace: String?) async throws {
        guard d.type.namespaced, let namespace else { return }
        if await store.get(ObjectKey(resource: "namespaces", name: namespace)) == nil {
            throw APIError.namespaceNotFound(namespace)
        }
    }

    // MARK: create

    /// `applied`: the body is a server-side apply configuration (its manager gets an Apply entry).
    func create(_ d: ResourceDefinition, namespace: String?, body: JSONValue, options: WriteOptions, applied: Bool = false) async throws -> WriteResult {
        if !applied { try options.checkFieldManager(optionsKind: "CreateOptions") }
        let prepared = try prepareCreate(d, namespace: namespace, body: body, options: options)
        var object = prepared.0
        try trackCreate(d, &object, body: body, options: options, applied: applied)
        let warnings = prepared.1
        try await requireNamespace(d, namespace)
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        if options.dryRun {
            if await store.get(key(d, namespace, name)) != nil { throw APIError.alreadyExists(d, name: name) }
            return WriteResult(status: 201, body: JSONWriter.bytes(object), warnings: warnings)
        }
        let generated = object["metadata"]?["generateName"] != nil && body["metadata"]?["name"]?.stringValue?.isEmpty ?? true
        for attempt in 0..<8 {
            let template = ObjectTemplate(object)
            try ObjectSizeLimit.check(template)
            do {
                let stored = try await store.create(key(d, namespace, self.name(of: object))) { template.bytes(revision: $0) }
                return WriteResult(status: 201, body: stored.value, warnings: warnings)
            } catch let error as StoreError where error.code == .alreadyExists && generated && attempt < 7 {
                let prefix = object["metadata"]?["generateName"]?.stringValue ?? ""
                object["metadata"]?["name"] = .string(Self.generateName(prefix))
            } catch let error as StoreError where error.code == .alreadyExists {
                throw APIError.alreadyExists(d, name: self.name(of: object))
            }
        }
        throw APIError.alreadyExists(d, name: self.name(of: object))
    }

    private func name(of object: JSONValue) -> String { object["metadata"]?["name"]?.stringValue ?? "" }

    /// Checks and completes a new object: namespace, server-set metadata, status reset,
    /// validation, pruning and generated names.
    func prepareCreate(_ d: ResourceDefinition, namespace: String?, body: JSONValue, options: WriteOptions) throws -> (JSONValue, [String]) {
        guard case .object = body else { throw APIError.badRequest("the object provided is unrecognized (must be of type \(d.type.kind))") }
        var object = try checkTypeMeta(d, body)
        var metadata = object["metadata"]?.objectValue ?? [:]
        if d.type.namespaced {
            if let ns = metadata["namespace"]?.stringValue, !ns.isEmpty, ns != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = namespace.map(JSONValue.string)
        } else {
            metadata["namespace"] = nil
        }
        for field in ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"] {
            metadata[field] = nil
        }
        if object["metadata"] != nil || !metadata.isEmpty { object["metadata"] = .object(metadata) }
        if d.hasStatusSubresource && d.schema != nil { object["status"] = nil }
        let warnings: [String]
        (object, warnings) = try validate(d, object, options: options)
        metadata = object["metadata"]?.objectValue ?? [:]
        if (metadata["name"]?.stringValue ?? "").isEmpty, let prefix = metadata["generateName"]?.stringValue {
            metadata["name"] = .string(Self.generateName(prefix))
        }
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(Time.now().rfc3339)
        if d.schema != nil { metadata["generation"] = 1 }
        object["metadata"] = .object(metadata)
        if d.type.plural == "namespaces" && d.type.group.isEmpty { object = Self.namespaceDefaults(object) }
        return (object, warnings)
    }

    /// `apiVersion`/`kind` must be present (kube-apiserver cannot decode without them).
    func checkTypeMeta(_ d: ResourceDefinition, _ body: JSONValue) throws -> JSONValue {
        var object = body
        if object["kind"] == nil || object["kind"] == .string("") {
            // A Secret's body is never echoed: it holds the values.
            let shown = SecretStrategy.isSecret(d) ? "<secret contents redacted>" : String(JSONWriter.string(body).prefix(512))
            throw APIError.badRequest("Object 'Kind' is missing in '\(shown)'")
        }
        if object["apiVersion"] == nil || object["apiVersion"] == .string("") { object["apiVersion"] = .string(d.type.apiVersion) }
        return object
    }

    /// Validates `object`; throws Invalid (422) or, under Strict, BadRequest for unknown fields.
    /// Returns the pruned object.
    /// `old`: the stored object on an update (its unchanged values are not checked again).
    func validate(_ d: ResourceDefinition, _ object: JSONValue, old: JSONValue? = nil, options: WriteOptions) throws -> (JSONValue, [String]) {
        if let message = MetadataValidation.unmarshalError(object["metadata"]) {
            throw APIError.badRequest("\(d.type.kind) in version \(APIError.quote(d.type.version)) cannot be handled as a \(d.type.kind): \(message)")
        }
        var object = object
        var extraUnknown: [String] = []
        var extraViolations: [FieldViolation] = []
        if SecretStrategy.isSecret(d) {
            let normalized = try SecretStrategy.normalize(object)
            (object, extraUnknown, extraViolations) = (normalized.object, normalized.unknownFields, normalized.violations)
        }
        let result = ObjectValidation.validate(object, as: d, old: old)
        let unknownFields = result.unknownFields + extraUnknown
        if options.fieldValidation == .strict, !unknownFields.isEmpty {
            let list = unknownFields.map { "unknown field \(APIError.quote($0))" }.joined(separator: ", ")
            throw APIError.badRequest("\(d.type.kind) in version \(APIError.quote(d.type.version)) cannot be handled as a \(d.type.kind): strict decoding error: \(list)")
        }
        var violations = result.violations + extraViolations
        if d.type.plural == "namespaces", d.type.group.isEmpty, let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty,
           !NameValidation.isDNS1123Label(name), violations.isEmpty
        {
            violations.append(FieldViolation(field: "metadata.name", reason: .invalid, detail: "Invalid value: \(APIError.quote(name)): \(NameValidation.dns1123LabelMessage)"))
        }
        guard violations.isEmpty else {
            let name = object["metadata"]?["name"]?.stringValue ?? object["metadata"]?["generateName"]?.stringValue ?? ""
            throw APIError.invalid(ValidationError(kind: d.qualifiedKind, name: name, violations: violations), resource: d)
        }
        let warnings = options.fieldValidation == .warn ? unknownFields.map { "unknown field \(APIError.quote($0))" } : []
        return (result.object, warnings)
    }

    static let nameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    /// `prefix` + 5 random characters from kube's alphabet (no vowels, no confusable digits).
    static func generateName(_ prefix: String) -> String {
        var base = prefix
        if base.count > 58 { base = String(base.prefix(58)) }
        return base + String((0..<5).map { _ in nameAlphabet.randomElement() ?? "x" })
    }

    static func namespaceDefaults(_ object: JSONValue) -> JSONValue {
        var o = object
        let name = o["metadata"]?["name"]?.stringValue ?? ""
        var labels = o["metadata"]?["labels"]?.objectValue ?? [:]
        labels["kubernetes.io/metadata.name"] = .string(name)
        o["metadata"]?["labels"] = .object(labels)
        if o["spec"]?["finalizers"] == nil { o["spec"] = ["finalizers": ["kubernetes"]] }
        o["status"] = ["phase": "Active"]
        return o
    }
}
