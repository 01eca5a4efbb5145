import EdgeAIAPI
import JSON

/// Where ``ObjectREST``'s writes record `metadata.managedFields` through ``FieldManager``.
extension ObjectREST {
    /// The stored entries of `object`; unreadable ones count as none (kube drops them then).
    static func storedManagedFields(_ object: JSONValue?) -> ManagedFields {
        (try? ManagedFields.decode(object?["metadata"]?["managedFields"])) ?? ManagedFields()
    }

    /// The entries a request asks for: `[{}]` clears them; a readable list different from the
    /// stored one replaces them (how kubectl migrates client-side-apply ownership); anything else
    /// (absent, `[]`, unreadable, or a subresource write) keeps the stored ones, as kube does.
    static func requestedManagedFields(_ requested: JSONValue?, stored: JSONValue?, subresource: String?) -> ManagedFields? {
        guard subresource == nil, let requested, requested != .null, requested != stored else { return nil }
        if ManagedFields.isResetRequest(requested) { return ManagedFields() }
        guard let decoded = try? ManagedFields.decode(requested), !decoded.entries.isEmpty else { return nil }
        return decoded
    }

    /// Sets `object`'s managedFields to `managed`, refusing entries kube's validation refuses.
    func setManagedFields(_ d: ResourceDefinition, _ object: inout JSONValue, _ managed: ManagedFields, checked: Bool) throws {
        let encoded = managed.encoded
        if checked {
            let violations = ManagedFields.violations(encoded)
            if !violations.isEmpty {
                let name = object["metadata"]?["name"]?.stringValue ?? ""
                throw APIError.invalid(ValidationError(kind: d.qualifiedKind, name: name, violations: violations), resource: d)
            }
        }
        object["metadata"]?["managedFields"] = encoded
    }

    /// A create's entries: the request's own (if any), then the creator's Update entry with
    /// every field, or for an apply-create the applier's Apply entry.
    func trackCreate(_ d: ResourceDefinition, _ object: inout JSONValue, body: JSONValue, options: WriteOptions, applied: Bool) throws {
        let fm = FieldManager(d, subresource: nil, now: Time.now().rfc3339)
        if applied {
            let managed = try fm.apply(
                ManagedFields(), old: nil, new: object, manager: options.manager, configFields: fm.appliedFields(body), force: true)
            try setManagedFields(d, &object, managed, checked: false)
            return
        }
        let base = Self.requestedManagedFields(body["metadata"]?["managedFields"], stored: nil, subresource: nil) ?? ManagedFields()
        try setManagedFields(d, &object, fm.update(base, old: nil, new: object, manager: options.manager), checked: !base.entries.isEmpty)
    }

    /// A non-apply write of `proposed` over `old`: ``applyChange(_:old:proposed:subresource:options:)``,
    /// then its entries (the managedFields `proposed` asks for, if any, by ``trackUpdate``).
    func trackedChange(
        _ d: ResourceDefinition, old: JSONValue, proposed: JSONValue, subresource: String?, options: WriteOptions
    ) throws -> (JSONValue, [String]) {
        let (new, warnings) = try applyChange(d, old: old, proposed: proposed, subresource: subresource, options: options)
        let requested = proposed["metadata"]?["managedFields"]
        return (try trackUpdate(d, old: old, new: new, requested: requested, subresource: subresource, options: options), warnings)
    }

    /// A non-apply write's entries: the manager's Update entry (per subresource) takes what the
    /// write set or changed. A write that changes nothing leaves them as stored.
    func trackUpdate(
        _ d: ResourceDefinition, old: JSONValue, new: JSONValue, requested: JSONValue?, subresource: String?, options: WriteOptions
    ) throws -> JSONValue {
        let stored = old["metadata"]?["managedFields"]
        let replacement = Self.requestedManagedFields(requested, stored: stored, subresource: subresource)
        let fm = FieldManager(d, subresource: subresource, now: Time.now().rfc3339)
        let cmp = fm.compare(old, new)
        if cmp.isEmpty && replacement == nil { return new }
        var object = new
        if replacement == nil, let retimed = fm.retimed(stored, comparison: cmp, manager: options.manager) {
            object["metadata"]?["managedFields"] = retimed
            return object
        }
        let base = replacement ?? Self.storedManagedFields(old)
        try setManagedFields(d, &object, fm.update(base, comparison: cmp, manager: options.manager), checked: replacement != nil)
        return object
    }

    /// What kube refuses in an apply configuration before merging it: another version than the
    /// endpoint's, and managedFields (ownership comes from the apply itself).
    static func checkApplyConfiguration(_ d: ResourceDefinition, _ config: JSONValue) throws {
        let version = config["apiVersion"]?.stringValue ?? ""
        if version != d.type.apiVersion {
            throw APIError.badRequest("Incorrect version specified in apply patch. Specified patch version: \(version), expected: \(d.type.apiVersion)")
        }
        if let managed = config["metadata"]?["managedFields"], managed != .null {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
    }

    /// An apply over `old`: the merged, pruned, validated object with the applier's entry, or a
    /// 409 naming every field another manager owns and the configuration would change.
    func applyOver(
        _ d: ResourceDefinition, old: JSONValue, config: JSONValue, subresource: String?, options: WriteOptions
    ) throws -> (JSONValue, [String]) {
        let fm = FieldManager(d, subresource: subresource, now: Time.now().rfc3339)
        let manager = options.manager
        let managed = Self.storedManagedFields(old)
        let configFields = fm.appliedFields(config)
        let merged = fm.merge(live: old, config: config, configFields: configFields, managed: managed, manager: manager)
        var (new, warnings) = try applyChange(d, old: old, proposed: merged, subresource: subresource, options: options)
        let kubectl = manager == FieldManager.kubectlApplier && subresource == nil
        let result: ManagedFields
        do {
            result = try fm.apply(
                managed, old: old, new: new, manager: manager, configFields: configFields, force: options.force,
                allowed: kubectl ? fm.allowedFromLastApplied(live: old) : nil)
        } catch {
            throw error.apiError
        }
        if kubectl { new = FieldManager.syncLastApplied(new, config: config) }
        // Unchanged entries stay as stored (applyChange kept them), so a no-op apply writes nothing.
        if result != managed { try setManagedFields(d, &new, result, checked: false) }
        return (new, warnings)
    }
}

extension WriteOptions {
    /// `fieldManager` as kube validates it (`ValidateFieldManager`): 422 against the request's
    /// options kind (`CreateOptions`, `UpdateOptions`, `PatchOptions`) in `meta.k8s.io`.
    func checkFieldManager(optionsKind: String) throws {
        guard let fieldManager else { return }
        let violations = FieldManagerName.violations(fieldManager, field: "fieldManager")
        guard !violations.isEmpty else { return }
        let causes: [JSONValue] = violations.map { v in
            .object(["reason": .string(v.reason.rawValue), "message": .string(v.detail), "field": .string(v.field)])
        }
        let list = violations.map { "\($0.field): \($0.detail)" }
        let text = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        throw APIError(
            code: 422, reason: "Invalid", message: "\(optionsKind).meta.k8s.io \"\" is invalid: \(text)",
            details: .object(["group": "meta.k8s.io", "kind": .string(optionsKind), "causes": .array(causes)]))
    }
}
