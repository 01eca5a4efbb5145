import EdgeAIAPI
import JSON

/// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over ``JSONValue``. Pure.
enum Patches {
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// RFC 7386: objects merge recursively, `null` removes a member, anything else replaces.
    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = merge(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// RFC 6902 operations in order; any failure (including a failed `test`) fails the whole patch.
    static func jsonPatch(_ document: JSONValue, _ operations: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let ops) = operations else { throw Failure(description: "json patch must be an array") }
        var doc = document
        for op in ops {
            guard let name = op["op"]?.stringValue, let path = op["path"]?.stringValue else {
                throw Failure(description: "json patch operation needs op and path")
            }
            let pointer = try parsePointer(path)
            switch name {
            case "add":
                guard let value = op["value"] else { throw Failure(description: "add needs a value") }
                doc = try set(doc, pointer[...], value, insert: true)
            case "replace":
                guard let value = op["value"] else { throw Failure(description: "replace needs a value") }
                _ = try get(doc, pointer[...])
                doc = try set(doc, pointer[...], value, insert: false)
            case "remove":
                doc = try remove(doc, pointer[...])
            case "test":
                let actual = try get(doc, pointer[...])
                guard actual == op["value"] ?? .null else { throw Failure(description: "testing value \(path) failed") }
            case "move", "copy":
                guard let fromPath = op["from"]?.stringValue else { throw Failure(description: "\(name) needs from") }
                let from = try parsePointer(fromPath)
                let value = try get(doc, from[...])
                if name == "move" { doc = try remove(doc, from[...]) }
                doc = try set(doc, pointer[...], value, insert: true)
            default:
                throw Failure(description: "unknown json patch operation \(APIError.quote(name))")
            }
        }
        return doc
    }

    private static func parsePointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(description: "invalid JSON pointer \(APIError.quote(path))") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingAll("~1", with: "/").replacingAll("~0", with: "~")
        }
    }

    private static func get(_ doc: JSONValue, _ pointer: ArraySlice<String>) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { return doc }
        switch doc {
        case .object(let o):
            guard let child = o[head] else { throw Failure(description: "path /\(head) not found") }
            return try get(child, pointer.dropFirst())
        case .array(let a):
            guard let i = Int(head), a.indices.contains(i) else { throw Failure(description: "index \(head) out of range") }
            return try get(a[i], pointer.dropFirst())
        default:
            throw Failure(description: "path /\(head) not found")
        }
    }

    private static func set(_ doc: JSONValue, _ pointer: ArraySlice<String>, _ value: JSONValue, insert: Bool) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { return value }
        let rest = pointer.dropFirst()
        switch doc {
        case .object(var o):
            if rest.isEmpty {
                o[head] = value
            } else {
                guard let child = o[head] else { throw Failure(description: "path /\(head) not found") }
                o[head] = try set(child, rest, value, insert: insert)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if head == "-" && insert { a.append(value); return .array(a) }
                guard let i = Int(head), i >= 0, i <= a.count, insert || i < a.count else {
                    throw Failure(description: "index \(head) out of range")
                }
                if insert { a.insert(value, at: i) } else { a[i] = value }
                return .array(a)
            }
            guard let i = Int(head), a.indices.contains(i) else { throw Failure(description: "index \(head) out of range") }
            a[i] = try set(a[i], rest, value, insert: insert)
            return .array(a)
        default:
            throw Failure(description: "path /\(head) not found")
        }
    }

    private static func remove(_ doc: JSONValue, _ pointer: ArraySlice<String>) throws(Failure) -> JSONValue {
        guard let head = pointer.first else { throw Failure(description: "cannot remove the whole document") }
        let rest = pointer.dropFirst()
        switch doc {
        case .object(var o):
            guard let child = o[head] else { throw Failure(description: "path /\(head) not found") }
            if rest.isEmpty { o.removeValue(forKey: head) } else { o[head] = try remove(child, rest) }
            return .object(o)
        case .array(var a):
            guard let i = Int(head), a.indices.contains(i) else { throw Failure(description: "index \(head) out of range") }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(a[i], rest) }
            return .array(a)
        default:
            throw Failure(description: "path /\(head) not found")
        }
    }
}
