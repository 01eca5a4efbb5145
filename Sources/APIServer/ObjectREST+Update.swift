import EdgeAIAPI
import JSON
import ObjectStore

/// How a request body changes an existing object.
enum PatchKind: Sendable {
    case merge, json, apply
}

extension ObjectREST {
    /// PUT: replaces the object (or only its status for `subresource == "status"`).
    /// Custom resources require `metadata.resourceVersion` (kube disallows unconditional updates).
    func update(_ d: ResourceDefinition, namespace: String?, name: String, subresource: String?, body: JSONValue, options: WriteOptions) async throws -> WriteResult {
        guard case .object = body else { throw APIError.badRequest("the object provided is unrecognized (must be of type \(d.type.kind))") }
        try options.checkFieldManager(optionsKind: "UpdateOptions")
        let proposed = try checkTypeMeta(d, body)
        let bodyName = proposed["metadata"]?["name"]?.stringValue ?? ""
        guard bodyName == name else {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        var precondition: Int64?
        switch proposed["metadata"]?["resourceVersion"]?.stringValue {
        case let rv? where !rv.isEmpty:
            guard let parsed = Int64(rv) else { throw APIError.badRequest("invalid resourceVersion \(APIError.quote(rv))") }
            precondition = parsed
        default:
            if d.schema != nil {
                let v = FieldViolation(field: "metadata.resourceVersion", reason: .invalid, detail: "Invalid value: 0x0: must be specified for an update")
                throw APIError.invalid(ValidationError(kind: d.qualifiedKind, name: name, violations: [v]), resource: d)
            }
        }
        return try await guaranteedUpdate(d, namespace: namespace, name: name, precondition: precondition, options: options) { old in
            return try self.trackedChange(d, old: old, proposed: proposed, subresource: subresource, options: options)
        }
    }

    /// PATCH with a merge, JSON or apply patch. An apply patch on a missing object creates it.
    func patch(_ d: ResourceDefinition, namespace: String?, name: String, subresource: String?, kind: PatchKind, patch: JSONValue, options: WriteOptions) async throws -> WriteResult {
        try options.checkFieldManager(optionsKind: "PatchOptions")
        var precondition: Int64?
        if kind != .json, let rv = patch["metadata"]?["resourceVersion"]?.stringValue, !rv.isEmpty {
            guard let parsed = Int64(rv) else { throw APIError.badRequest("invalid resourceVersion \(APIError.quote(rv))") }
            precondition = parsed
        }
        if kind == .merge || kind == .apply, patch.objectValue == nil {
            throw APIError.badRequest("error decoding patch: the patch must be a JSON object")
        }
        if kind == .apply {
            guard options.fieldManager?.isEmpty == false else {
                throw APIError.badRequest("PATCH \(d.type.path(namespace: namespace, name: name)): fieldManager is required for apply requests")
            }
            try Self.checkApplyConfiguration(d, patch)
            if await store.get(key(d, namespace, name)) == nil, subresource == nil {
                var body = patch
                if body["metadata"]?["name"] == nil { body["metadata"]?["name"] = .string(name) }
                guard body["metadata"]?["name"]?.stringValue == name else {
                    throw APIError.badRequest("the name of the object (\(body["metadata"]?["name"]?.stringValue ?? "")) does not match the name on the URL (\(name))")
                }
                return try await create(d, namespace: namespace, body: body, options: options, applied: true)
            }
        }
        return try await guaranteedUpdate(d, namespace: namespace, name: name, precondition: precondition, options: options) { old in
            let proposed: JSONValue
            switch kind {
            case .apply: return try self.applyOver(d, old: old, config: patch, subresource: subresource, options: options)
            case .merge: proposed = Patches.merge(old, patch)
            case .json:
                do { proposed = try Patches.jsonPatch(old, patch) } catch { throw APIError.patchRejected() }
                // The patched resourceVersion is a precondition (kubectl's managedFields migration relies on it).
                if let rv = proposed["metadata"]?["resourceVersion"], rv != old["metadata"]?["resourceVersion"] {
                    throw APIError.conflict(d, name: name)
                }
            }
            return try self.trackedChange(d, old: old, proposed: proposed, subresource: subresource, options: options)
        }
    }

    /// The new object for a write of `proposed` over `old`: server-owned metadata kept, status
    /// or spec kept per subresource, validated and pruned, generation bumped on spec changes.
    func applyChange(_ d: ResourceDefinition, old: JSONValue, proposed: JSONValue, subresource: String?, options: WriteOptions) throws -> (JSONValue, [String]) {
        var new: JSONValue
        if subresource == "status" {
            new = old
            new["status"] = proposed["status"]
        } else {
            new = proposed
            var metadata = new["metadata"]?.objectValue ?? [:]
            let oldMeta = old["metadata"]?.objectValue ?? [:]
            for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "namespace", "name", "resourceVersion"] {
                metadata[field] = oldMeta[field]
            }
            new["metadata"] = .object(metadata)
            if d.hasStatusSubresource { new["status"] = old["status"] }
            if new["apiVersion"] == nil { new["apiVersion"] = old["apiVersion"] }
            if new["kind"] == nil { new["kind"] = old["kind"] }
        }
        if SecretStrategy.isSecret(d) {
            // kube reports the update rules together with the object's own (ValidateSecretUpdate).
            let normalized = try SecretStrategy.normalize(new)
            let frozen = SecretStrategy.updateViolations(old: old, new: normalized.object)
            if !frozen.isEmpty {
                let name = old["metadata"]?["name"]?.stringValue ?? ""
                throw APIError.invalid(ValidationError(kind: d.qualifiedKind, name: name, violations: normalized.violations + frozen), resource: d)
            }
        }
        var (validated, warnings) = try validate(d, new, old: old, options: options)
        if options.fieldValidation != .warn { warnings = [] }
        if d.schema != nil, Self.specChanged(old, validated) {
            validated["metadata"]?["generation"] = .int((old["metadata"]?["generation"]?.intValue ?? 0) + 1)
        }
        return (validated, warnings)
    }

    /// Anything but metadata and status differs (kube's rule for custom resources).
    static func specChanged(_ a: JSONValue, _ b: JSONValue) -> Bool {
        var x = a.objectValue ?? [:]
        var y = b.objectValue ?? [:]
        for k in ["metadata", "status"] {
            x[k] = nil
            y[k] = nil
        }
        return x != y
    }

    /// Read-modify-write against the current object, retried on concurrent changes unless the
    /// caller gave a resourceVersion precondition (then a Conflict). A change that leaves the
    /// object equal writes nothing; an object left with a deletionTimestamp and no finalizers is
    /// deleted.
    func guaranteedUpdate(
        _ d: ResourceDefinition, namespace: String?, name: String, precondition: Int64?, options: WriteOptions,
        mutate: (JSONValue) throws -> (JSONValue, [String])
    ) async throws -> WriteResult {
        let k = key(d, namespace, name)
        for _ in 0..<32 {
            guard let current = await store.get(k) else { throw APIError.notFound(d, name: name) }
            if let precondition, precondition != current.revision { throw APIError.conflict(d, name: name) }
            let old: JSONValue
            do { old = try JSONParser.parse(current.value) } catch { throw APIError.internalError("stored object \(k) is not JSON: \(error)") }
            let mutated = try mutate(old)
            var new = mutated.0
            let warnings = mutated.1
            new["metadata"]?["resourceVersion"] = old["metadata"]?["resourceVersion"]
            if new == old { return WriteResult(status: 200, body: current.value, warnings: warnings) }
            if options.dryRun { return WriteResult(status: 200, body: JSONWriter.bytes(new), warnings: warnings) }
            let finalizers = new["metadata"]?["finalizers"]?.arrayValue ?? []
            if new["metadata"]?["deletionTimestamp"] != nil, finalizers.isEmpty {
                do {
                    let deleted = try await store.delete(k, expectedRevision: current.revision)
                    var body = new
                    body["metadata"]?["resourceVersion"] = .string(String(deleted.revision))
                    return WriteResult(status: 200, body: JSONWriter.bytes(body), warnings: warnings)
                } catch let error as StoreError where error.code == .conflict && precondition == nil {
                    continue
                }
            }
            let template = ObjectTemplate(new)
            try ObjectSizeLimit.check(template)
            do {
                let stored = try await store.update(k, expectedRevision: current.revision) { _, revision in template.bytes(revision: revision) }
                return WriteResult(status: 200, body: stored.value, warnings: warnings)
            } catch let error as StoreError where error.code == .conflict && precondition == nil {
                continue
            } catch let error as StoreError where error.code == .notFound {
                throw APIError.notFound(d, name: name)
            }
        }
        throw APIError.conflict(d, name: name)
    }
}
