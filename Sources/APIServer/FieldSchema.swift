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
