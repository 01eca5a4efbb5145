import EdgeAIAPI
import JSON

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
