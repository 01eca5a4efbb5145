import EdgeAIAPI
import JSON

/// kube-apiserver's field manager for one endpoint (a kind's main resource or its `/status`):
/// who owns which fields after an update or an apply. Pure: objects in, managed fields out.
///
/// - Update: the manager's `Update` entry takes every field the write set, changed or added;
///   those leave every other entry; removed fields leave every entry.
/// - Apply: the manager's `Apply` entry becomes exactly the applied configuration's fields;
///   a field it changes that another entry owns is a conflict unless forced (then it moves);
///   fields it owned before and no longer applies, owned by no one else, are removed.
/// - Never tracked (kube's `stripMeta`): apiVersion, kind, metadata itself and its server-set
///   members; the main resource does not track `status` when the kind has a status subresource,
///   and `/status` tracks only `status` (kube's reset fields).
struct FieldManager: Sendable {
    let schema: FieldSchema
    let apiVersion: String
    /// "" for the main resource, else the subresource (e.g. "status").
    let subresource: String
    let hasStatusSubresource: Bool
    /// RFC 3339 in seconds, stamped on the entries this write touches.
    let now: String

    init(_ d: ResourceDefinition, subresource: String?, now: String) {
        self.schema = FieldSchema.root(d)
        self.apiVersion = d.type.apiVersion
        self.subresource = subresource ?? ""
        self.hasStatusSubresource = d.hasStatusSubresource
        self.now = now
    }

    init(schema: FieldSchema, apiVersion: String, subresource: String = "", hasStatusSubresource: Bool, now: String) {
        self.schema = schema
        self.apiVersion = apiVersion
        self.subresource = subresource
        self.hasStatusSubresource = hasStatusSubresource
        self.now = now
    }

    static let strippedMetadata = ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"]

    /// `set` without the paths this endpoint never tracks.
    func tracked(_ set: FieldSet) -> FieldSet {
        var s = set
        s.isMember = false
        s.children["f:apiVersion"] = nil
        s.children["f:kind"] = nil
        if var meta = s.children["f:metadata"] {
            meta.isMember = false
            for name in Self.strippedMetadata { meta.children["f:" + name] = nil }
            s.children["f:metadata"] = meta.isEmpty ? nil : meta
        }
        if subresource == "status" {
            let status = s.children["f:status"]
            s.children = [:]
            s.children["f:status"] = status
        } else if hasStatusSubresource {
            s.children["f:status"] = nil
        }
        return s
    }

    /// What a write changed among the tracked fields. Only the tracked parts are walked: `/status`
    /// compares `status` alone (every hub status write comes here), the main resource skips
    /// `status` (with a status subresource) and metadata's server-set members.
    func compare(_ old: JSONValue?, _ new: JSONValue) -> FieldComparison {
        if subresource == "status" {
            let c = FieldSet.compare(old?["status"], new["status"], schema: schema.member("status", atRoot: true), atRoot: false)
            return FieldComparison(added: Self.rooted(c.added, "f:status"), modified: Self.rooted(c.modified, "f:status"), removed: Self.rooted(c.removed, "f:status"))
        }
        let c = FieldSet.compare(old.map(trimmed), trimmed(new), schema: schema)
        return FieldComparison(added: tracked(c.added), modified: tracked(c.modified), removed: tracked(c.removed))
    }

    private static func rooted(_ set: FieldSet, _ element: String) -> FieldSet {
        var root = FieldSet()
        if !set.isEmpty { root.children[element] = set }
        return root
    }

    /// `object` without what the main resource never tracks.
    private func trimmed(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object else { return object }
        members["apiVersion"] = nil
        members["kind"] = nil
        if hasStatusSubresource { members["status"] = nil }
        if case .object(var meta)? = members["metadata"] {
            for name in Self.strippedMetadata { meta[name] = nil }
            members["metadata"] = .object(meta)
        }
        return .object(members)
    }

    // MARK: update

    /// The entries after a non-apply write of `new` over `old` (nil: a create) by `manager`.
    func update(_ managed: ManagedFields, old: JSONValue?, new: JSONValue, manager: String) -> ManagedFields {
        update(managed, comparison: compare(old, new), manager: manager)
    }

    /// ``update(_:old:new:manager:)`` with the comparison already made.
    func update(_ managed: ManagedFields, comparison cmp: FieldComparison, manager: String) -> ManagedFields {
        if cmp.isEmpty { return managed }
        var m = managed
        let changed = cmp.changed
        let mine = m.index(manager, .update, subresource)
        m.remove(changed, except: mine)
        m.remove(cmp.removed, except: mine)
        if let mine {
            let fields = m.entries[mine].fields.subtracting(cmp.removed).union(changed)
            if fields != m.entries[mine].fields { m.entries[mine].fields = fields }
            m.entries[mine].apiVersion = apiVersion
            if !changed.isEmpty { m.entries[mine].time = now }
        } else if !changed.isEmpty {
            m.entries.append(.init(manager: manager, operation: .update, subresource: subresource, apiVersion: apiVersion, time: now, fields: changed))
        }
        m.dropEmpty()
        m.capUpdateManagers()
        return m
    }

    /// ``update(_:comparison:manager:)`` on the stored `managedFields` value itself, for the
    /// common write that changes only fields its manager's Update entry already owns and no other
    /// entry owns (a controller writing the status it wrote before): then only that entry's time
    /// moves, and the entries are sorted again as ``ManagedFields/encoded`` sorts them. Nil when
    /// the general path must run; where it is not nil, it equals the general path's `encoded`.
    func retimed(_ stored: JSONValue?, comparison cmp: FieldComparison, manager: String) -> JSONValue? {
        guard cmp.removed.isEmpty, case .array(var items)? = stored, !items.isEmpty, items.count <= ManagedFields.maxEntries
        else { return nil }
        let changed = cmp.changed.paths
        guard !changed.isEmpty, !changed.contains(where: \.isEmpty) else { return nil }
        var mine: Int?
        for (i, item) in items.enumerated() {
            // What ManagedFields.decode would refuse (the general path then starts afresh).
            guard case .object(let o) = item, let operation = o["operation"]?.stringValue,
                ManagedFields.Operation(rawValue: operation) != nil, o["fieldsType"]?.stringValue == "FieldsV1",
                (o["apiVersion"]?.stringValue ?? "") != ""
            else { return nil }
            let fields = o["fieldsV1"] ?? .object([:])
            if mine == nil, operation == ManagedFields.Operation.update.rawValue, (o["manager"]?.stringValue ?? "") == manager,
                (o["subresource"]?.stringValue ?? "") == subresource
            {
                guard o["apiVersion"]?.stringValue == apiVersion, changed.allSatisfy({ Self.isMember($0, of: fields) }) else { return nil }
                mine = i
            } else if changed.contains(where: { Self.isMember($0, of: fields) }) {
                return nil
            }
        }
        guard let mine else { return nil }
        items[mine]["time"] = .string(now)
        func key(_ item: JSONValue) -> (String, String, String, String) {
            ManagedFields.order(item["operation"]?.stringValue ?? "", item["time"]?.stringValue, item["manager"]?.stringValue ?? "",
                                item["subresource"]?.stringValue ?? "")
        }
        items.sort { key($0) < key($1) }
        return .array(items)
    }

    /// Whether `path` is in a FieldsV1 value, as ``FieldSet/init(fieldsV1:)`` reads it: its node
    /// has no children or is marked with `"."`.
    static func isMember(_ path: [String], of fieldsV1: JSONValue) -> Bool {
        var node = fieldsV1
        for element in path {
            guard let next = node[element] else { return false }
            node = next
        }
        guard case .object(let members) = node else { return false }
        return members["."] != nil || members.keys.allSatisfy { $0 == "." }
    }

    // MARK: apply

    /// The fields `config` applies at this endpoint.
    func appliedFields(_ config: JSONValue) -> FieldSet { tracked(FieldSet.fields(of: config, schema: schema)) }

    /// `live` with `config` merged in and the fields `manager` applied before but no longer
    /// does removed, unless another entry (or the new configuration) still owns them.
    func merge(live: JSONValue, config: JSONValue, configFields: FieldSet, managed: ManagedFields, manager: String) -> JSONValue {
        let merged = schema.applyMerge(live, config)
        let mine = managed.index(manager, .apply, subresource)
        guard let mine else { return merged }
        let dropped = managed.entries[mine].fields.subtracting(configFields)
        if dropped.isEmpty { return merged }
        var others = FieldSet()
        for (i, e) in managed.entries.enumerated() where i != mine { others = others.union(e.fields) }
        let keep = others.union(configFields)
        return FieldSet.removing(dropped.subtracting(others), from: merged, keeping: keep, schema: schema)
    }

    /// The entries after `manager` applied `configFields`, turning `old` into `new`.
    /// `allowed`: conflicts that are forced anyway (kube's last-applied rule for `kubectl`).
    func apply(
        _ managed: ManagedFields, old: JSONValue?, new: JSONValue, manager: String, configFields: FieldSet, force: Bool, allowed: FieldSet? = nil
    ) throws(ApplyConflict) -> ManagedFields {
        let cmp = compare(old, new)
        var m = managed
        let mine = m.index(manager, .apply, subresource)
        let changed = cmp.changed
        if !force {
            var conflicts: [ApplyConflict.Item] = []
            for (i, e) in m.entries.enumerated() where i != mine {
                var owned = e.fields.intersection(changed)
                if let allowed { owned = owned.subtracting(allowed) }
                for path in owned.paths { conflicts.append(.init(entry: e, path: path)) }
            }
            if !conflicts.isEmpty { throw ApplyConflict(items: conflicts) }
        }
        m.remove(changed, except: mine)
        m.remove(cmp.removed, except: mine)
        if let mine {
            if m.entries[mine].fields != configFields { m.entries[mine].fields = configFields }
            m.entries[mine].apiVersion = apiVersion
            // kube stamps every apply, then keeps the stored entries when only that stamp moved.
            if !cmp.isEmpty || m != managed { m.entries[mine].time = now }
        } else {
            m.entries.append(.init(manager: manager, operation: .apply, subresource: subresource, apiVersion: apiVersion, time: now, fields: configFields))
        }
        m.dropEmpty()
        return m
    }

    /// kube's `lastAppliedManager`: for the `kubectl` applier, the fields of the
    /// `last-applied-configuration` annotation whose values still match the live object may be
    /// taken from their client-side-apply owner without `--force-conflicts`.
    func allowedFromLastApplied(live: JSONValue) -> FieldSet? {
        guard let text = live["metadata"]?["annotations"]?[Self.lastAppliedAnnotation]?.stringValue, !text.isEmpty,
              let last = try? JSONParser.parse(Array(text.utf8)), case .object = last
        else { return nil }
        let fields = FieldSet.fields(of: last, schema: schema)
        let cmp = FieldSet.compare(last, live, schema: schema)
        return tracked(fields.subtracting(cmp.modified).subtracting(cmp.added).subtracting(cmp.removed))
    }

    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
    /// The applier whose applies keep the client-side annotation in step (kube's `lastAppliedUpdater`).
    static let kubectlApplier = "kubectl"

    /// kube's `lastAppliedUpdater`: after `kubectl` applies to an object carrying the annotation,
    /// the annotation holds the applied configuration (without the annotation itself).
    static func syncLastApplied(_ object: JSONValue, config: JSONValue) -> JSONValue {
        guard object["metadata"]?["annotations"]?[lastAppliedAnnotation] != nil else { return object }
        var applied = config
        if var annotations = applied["metadata"]?["annotations"]?.objectValue {
            annotations[lastAppliedAnnotation] = nil
            applied["metadata"]?["annotations"] = .object(annotations)
        }
        var o = object
        o["metadata"]?["annotations"]?[lastAppliedAnnotation] = .string(JSONWriter.string(applied))
        return o
    }
}
