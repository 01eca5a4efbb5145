import EdgeAIAPI
import JSON

/// How structured-merge-diff sees one node of an object: a map (JSON object) is granular, a list
/// is atomic unless its schema says `x-kubernetes-list-type: set` or `map` (with its keys).
/// `metadata` follows ObjectMeta's schema whatever the CRD says (finalizers a set, ownerReferences
/// a map keyed by uid, labels and annotations maps).
struct FieldSchema: Sendable {
    let props: JSONSchemaProps?

    enum ListType: Equatable {
        case atomic, set
        case map([String])
    }

    /// The schema at the root of an object of `definition`.
    static func root(_ definition: ResourceDefinition) -> FieldSchema { FieldSchema(props: definition.schema) }

    func member(_ name: String, atRoot: Bool) -> FieldSchema {
        if atRoot && name == "metadata" { return FieldSchema(props: Self.objectMeta) }
        return FieldSchema(props: props?.properties?[name] ?? props?.additionalProperties)
    }

    var items: FieldSchema { FieldSchema(props: props?.items) }

    var listType: ListType {
        switch props?.xKubernetesListType {
        case "set": return .set
        case "map":
            guard let keys = props?.xKubernetesListMapKeys, !keys.isEmpty else { return .atomic }
            return .map(keys)
        default: return .atomic
        }
    }

    static let objectMeta = JSONSchemaProps(
        type: "object",
        properties: [
            "finalizers": JSONSchemaProps(type: "array", items: .string(""), listType: "set"),
            "ownerReferences": JSONSchemaProps(type: "array", items: JSONSchemaProps(type: "object"), listType: "map", listMapKeys: ["uid"]),
            "labels": JSONSchemaProps(type: "object", additionalProperties: .string("")),
            "annotations": JSONSchemaProps(type: "object", additionalProperties: .string("")),
        ])

    /// The path element of a list item, or nil when the item cannot be keyed (the list is then
    /// handled as atomic, as structured-merge-diff does for a list it cannot key).
    static func element(_ item: JSONValue, _ type: ListType) -> String? {
        switch type {
        case .atomic: return nil
        case .set:
            switch item {
            case .object, .array: return nil
            default: return "v:" + JSONWriter.string(item)
            }
        case .map(let keys):
            var fields: [String: JSONValue] = [:]
            for key in keys {
                guard let v = item[key], v != .null else { return nil }
                fields[key] = v
            }
            return "k:" + JSONWriter.string(.object(fields))
        }
    }

    /// Items keyed by their path element; nil when any item cannot be keyed or two share a key.
    static func keyed(_ items: [JSONValue], _ type: ListType) -> [(String, JSONValue)]? {
        guard type != .atomic else { return nil }
        var seen = Set<String>()
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let e = element(item, type), seen.insert(e).inserted else { return nil }
            out.append((e, item))
        }
        return out
    }
}

/// The fields a change touched, as structured-merge-diff's `Comparison`.
struct FieldComparison: Equatable, Sendable {
    var added = FieldSet()
    var modified = FieldSet()
    var removed = FieldSet()

    /// Set or changed (what an updater takes ownership of).
    var changed: FieldSet { added.union(modified) }
    var isEmpty: Bool { added.isEmpty && modified.isEmpty && removed.isEmpty }
}

extension FieldSet {
    /// The fields an applied configuration sets (structured-merge-diff's `ToFieldSet`): every
    /// leaf, atomic list and empty map; list items of set/map lists (with their members);
    /// not the maps that hold members. `null` members are not fields.
    static func fields(of value: JSONValue, schema: FieldSchema, atRoot: Bool = true) -> FieldSet {
        var set = FieldSet()
        collectFields(value, schema, atRoot: atRoot, into: &set)
        return set
    }

    private static func collectFields(_ value: JSONValue, _ schema: FieldSchema, atRoot: Bool, into set: inout FieldSet) {
        switch value {
        case .object(let members):
            if members.isEmpty && !atRoot { set.isMember = true }
            for (name, child) in members where child != .null {
                var node = FieldSet()
                collectFields(child, schema.member(name, atRoot: atRoot), atRoot: false, into: &node)
                if !node.isEmpty { set.children["f:" + name] = node }
            }
        case .array(let items):
            guard let keyed = FieldSchema.keyed(items, schema.listType) else {
                set.isMember = true
                return
            }
            for (element, item) in keyed {
                var node = FieldSet()
                node.isMember = true
                if case .object = item { collectFields(item, schema.items, atRoot: false, into: &node) }
                node.isMember = true
                set.children[element] = node
            }
        default:
            set.isMember = true
        }
    }

    /// Every path of `value` including the maps and items themselves (what a compare reports
    /// for a subtree that appears or disappears).
    static func allPaths(of value: JSONValue, schema: FieldSchema, atRoot: Bool = false) -> FieldSet {
        var set = FieldSet()
        set.isMember = !atRoot
        switch value {
        case .object(let members):
            for (name, child) in members where child != .null {
                set.children["f:" + name] = allPaths(of: child, schema: schema.member(name, atRoot: atRoot))
            }
        case .array(let items):
            if let keyed = FieldSchema.keyed(items, schema.listType) {
                for (element, item) in keyed { set.children[element] = allPaths(of: item, schema: schema.items) }
            }
        default:
            break
        }
        return set
    }

    /// What changed from `old` to `new`, path by path (structured-merge-diff's `Compare`).
    static func compare(_ old: JSONValue?, _ new: JSONValue?, schema: FieldSchema, atRoot: Bool = true) -> FieldComparison {
        var result = FieldComparison()
        var path: [String] = []
        compare(old, new, schema, atRoot: atRoot, &path, &result)
        return result
    }

    private static func compare(
        _ old: JSONValue?, _ new: JSONValue?, _ schema: FieldSchema, atRoot: Bool, _ path: inout [String], _ result: inout FieldComparison
    ) {
        let old = old == .null ? nil : old
        let new = new == .null ? nil : new
        switch (old, new) {
        case (nil, nil):
            return
        case (nil, let n?):
            result.added.graft(allPaths(of: n, schema: schema, atRoot: atRoot), at: path)
        case (let o?, nil):
            result.removed.graft(allPaths(of: o, schema: schema, atRoot: atRoot), at: path)
        case (.object(let a)?, .object(let b)?):
            for (name, child) in a {
                path.append("f:" + name)
                compare(child, b[name], schema.member(name, atRoot: atRoot), atRoot: false, &path, &result)
                path.removeLast()
            }
            for (name, child) in b where a[name] == nil {
                path.append("f:" + name)
                compare(nil, child, schema.member(name, atRoot: atRoot), atRoot: false, &path, &result)
                path.removeLast()
            }
        case (.array(let a)?, .array(let b)?):
            let type = schema.listType
            guard let ka = FieldSchema.keyed(a, type), let kb = FieldSchema.keyed(b, type) else {
                if a != b { result.modified.insert(path) }
                return
            }
            let byKey = Dictionary(kb, uniquingKeysWith: { first, _ in first })
            var seen = Set<String>()
            for (element, item) in ka {
                seen.insert(element)
                path.append(element)
                compare(item, byKey[element], schema.items, atRoot: false, &path, &result)
                path.removeLast()
            }
            for (element, item) in kb where !seen.contains(element) {
                path.append(element)
                compare(nil, item, schema.items, atRoot: false, &path, &result)
                path.removeLast()
            }
        case (let o?, let n?):
            if o != n { result.modified.insert(path) }
        }
    }

    /// Adds every path of `subtree` under `path`.
    mutating func graft(_ subtree: FieldSet, at path: some Collection<String>) {
        guard let head = path.first else {
            self = union(subtree)
            return
        }
        children[head, default: FieldSet()].graft(subtree, at: path.dropFirst())
    }

    /// `value` without the paths of `paths` that no path of `keep` lies at or under.
    static func removing(_ paths: FieldSet, from value: JSONValue, keeping keep: FieldSet, schema: FieldSchema, atRoot: Bool = true) -> JSONValue {
        switch value {
        case .object(var members):
            for (key, node) in paths.children where key.hasPrefix("f:") {
                let name = String(key.dropFirst(2))
                guard let child = members[name] else { continue }
                let kept = keep.children[key]
                if node.isMember && (kept?.isEmpty ?? true) {
                    members[name] = nil
                } else if !node.children.isEmpty {
                    members[name] = removing(node, from: child, keeping: kept ?? FieldSet(), schema: schema.member(name, atRoot: atRoot), atRoot: false)
                }
            }
            return .object(members)
        case .array(let items):
            guard let keyed = FieldSchema.keyed(items, schema.listType) else { return value }
            var out: [JSONValue] = []
            for (element, item) in keyed {
                guard let node = paths.children[element] else {
                    out.append(item)
                    continue
                }
                let kept = keep.children[element]
                if node.isMember && (kept?.isEmpty ?? true) { continue }
                out.append(node.children.isEmpty ? item : removing(node, from: item, keeping: kept ?? FieldSet(), schema: schema.items, atRoot: false))
            }
            return .array(out)
        default:
            return value
        }
    }
}

extension FieldSchema {
    /// Merges an applied configuration into the live object as structured-merge-diff does:
    /// maps member by member, set and map lists item by item (live order kept, new items
    /// appended), atomic lists and scalars replaced. `null` members of `config` are skipped.
    func applyMerge(_ live: JSONValue, _ config: JSONValue, atRoot: Bool = true) -> JSONValue {
        switch (live, config) {
        case (.object(var members), .object(let applied)):
            for (name, value) in applied where value != .null {
                members[name] = members[name].map { member(name, atRoot: atRoot).applyMerge($0, value, atRoot: false) } ?? value
            }
            return .object(members)
        case (.array(let items), .array(let applied)):
            let type = listType
            guard let liveKeyed = Self.keyed(items, type), let appliedKeyed = Self.keyed(applied, type) else { return config }
            var position: [String: Int] = [:]
            var out = items
            for (i, (element, _)) in liveKeyed.enumerated() { position[element] = i }
            for (element, item) in appliedKeyed {
                if let i = position[element] {
                    out[i] = self.items.applyMerge(out[i], item, atRoot: false)
                } else {
                    out.append(item)
                }
            }
            return .array(out)
        default:
            return config
        }
    }
}
