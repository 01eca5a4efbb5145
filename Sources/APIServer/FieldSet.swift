import JSON

/// A set of field paths in structured-merge-diff's trie shape: the value of a `FieldsV1`.
///
/// Each node is keyed by its FieldsV1 path element (`f:<name>` for a map member, `k:{…}` for an
/// item of a map-type list, `v:<json>` for an item of a set-type list, `i:<n>` for an index).
/// A path is in the set when its node ``isMember``; a member with children is written with a
/// `"."` entry, a member without children as `{}`. Pure value type; all operations are per path.
struct FieldSet: Equatable, Sendable {
    /// Whether the path to this node is itself in the set.
    var isMember = false
    var children: [String: FieldSet] = [:]

    init() {}

    /// No path at all.
    var isEmpty: Bool { !isMember && children.isEmpty }

    // MARK: paths

    /// Adds `path` (a sequence of path elements); the empty path marks this node.
    mutating func insert(_ path: some Collection<String>) {
        guard let head = path.first else {
            isMember = true
            return
        }
        children[head, default: FieldSet()].insert(path.dropFirst())
    }

    func contains(_ path: some Collection<String>) -> Bool {
        guard let head = path.first else { return isMember }
        return children[head]?.contains(path.dropFirst()) ?? false
    }

    /// The node at `path`, if any path goes through it.
    func node(at path: some Collection<String>) -> FieldSet? {
        guard let head = path.first else { return self }
        return children[head]?.node(at: path.dropFirst())
    }

    /// Removes `path` and every path below it.
    mutating func removeSubtree(_ path: some Collection<String>) {
        guard let head = path.first else {
            self = FieldSet()
            return
        }
        guard var child = children[head] else { return }
        child.removeSubtree(path.dropFirst())
        children[head] = child.isEmpty ? nil : child
    }

    /// Every member path, element by element, sorted.
    var paths: [[String]] {
        var out: [[String]] = []
        var prefix: [String] = []
        collect(&prefix, &out)
        return out
    }

    private func collect(_ prefix: inout [String], _ out: inout [[String]]) {
        if isMember { out.append(prefix) }
        for key in children.keys.sorted() {
            prefix.append(key)
            children[key]?.collect(&prefix, &out)
            prefix.removeLast()
        }
    }

    // MARK: set algebra (per path)

    func union(_ other: FieldSet) -> FieldSet {
        if other.isEmpty { return self }
        if isEmpty { return other }
        var result = self
        result.isMember = isMember || other.isMember
        for (key, child) in other.children {
            result.children[key] = result.children[key].map { $0.union(child) } ?? child
        }
        return result
    }

    func subtracting(_ other: FieldSet) -> FieldSet {
        if isEmpty || other.isEmpty { return self }
        var result = FieldSet()
        result.isMember = isMember && !other.isMember
        for (key, child) in children {
            let rest = other.children[key].map { child.subtracting($0) } ?? child
            if !rest.isEmpty { result.children[key] = rest }
        }
        return result
    }

    func intersection(_ other: FieldSet) -> FieldSet {
        if isEmpty || other.isEmpty { return FieldSet() }
        var result = FieldSet()
        result.isMember = isMember && other.isMember
        for (key, child) in children {
            guard let theirs = other.children[key] else { continue }
            let both = child.intersection(theirs)
            if !both.isEmpty { result.children[key] = both }
        }
        return result
    }

    // MARK: FieldsV1

    struct DecodeError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// The deepest trie ``init(fieldsV1:)`` accepts (the object's own depth is bounded below that).
    static let maxDepth = 64

    /// Reads a FieldsV1 object: `"."` marks the node, every other key is a child.
    init(fieldsV1 value: JSONValue) throws(DecodeError) {
        self = try Self.decode(value, depth: 0)
    }

    private static func decode(_ value: JSONValue, depth: Int) throws(DecodeError) -> FieldSet {
        guard depth < maxDepth else { throw DecodeError(description: "FieldsV1 nested too deeply") }
        guard case .object(let members) = value else { throw DecodeError(description: "FieldsV1 must be an object") }
        var set = FieldSet()
        for (key, child) in members {
            if key == "." {
                set.isMember = true
                continue
            }
            guard key.count > 2, let kind = key.first, "fkvi".contains(kind), key.dropFirst().first == ":" else {
                throw DecodeError(description: "unexpected path element \(JSONWriter.string(.string(key)))")
            }
            var node = try decode(child, depth: depth + 1)
            if node.children.isEmpty { node.isMember = true }
            set.children[key] = node
        }
        return set
    }

    /// This set as a FieldsV1 object (keys sorted when written, so `"."` comes first).
    var fieldsV1: JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, child) in children {
            members[key] = child.encodedChild
        }
        return .object(members)
    }

    private var encodedChild: JSONValue {
        guard !children.isEmpty else { return .object([:]) }
        var value = fieldsV1
        if isMember { value["."] = .object([:]) }
        return value
    }

    // MARK: display

    /// A path as kube prints it in conflicts: `.spec.format`, `.status.conditions[type="Ready"]`,
    /// `.spec.nodeNames[="edge0"]`, `[3]`.
    static func describe(_ path: [String]) -> String {
        var out = ""
        for element in path {
            let body = element.dropFirst(2)
            switch element.first {
            case "f": out += "." + body
            case "v": out += "[=" + body + "]"
            case "i": out += "[" + body + "]"
            case "k":
                if let parsed = try? JSONParser.parse(Array(body.utf8)), let keys = parsed.objectValue {
                    out += "[" + keys.keys.sorted().map { "\($0)=\(JSONWriter.string(keys[$0] ?? .null))" }.joined(separator: ",") + "]"
                } else {
                    out += "[" + body + "]"
                }
            default: out += element
            }
        }
        return out
    }
}
