import JSON

/// Strategic merge patches for the built-in kinds served here (namespaces, events, leases,
/// secrets), which is what `kubectl apply` sends for a kind compiled into kubectl. Their fields
/// are maps and scalars, where a strategic merge patch is a JSON merge patch; the only lists
/// (`metadata.finalizers`, `ownerReferences`) are replaced whole, as a merge patch does.
///
/// Ordering directives (`$setElementOrder/…`, `$retainKeys`) are dropped; the directives that
/// change list or map semantics (`$patch`, `$deleteFromPrimitiveList/…`) are refused with 400
/// rather than applied wrongly.
enum StrategicPatch {
    static func asMergePatch(_ patch: JSONValue) throws -> JSONValue {
        guard case .object = patch else { throw APIError.badRequest("error decoding patch: the patch must be a JSON object") }
        return try strip(patch, depth: 0)
    }

    private static func strip(_ value: JSONValue, depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw APIError.badRequest("error decoding patch: nested too deeply") }
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                if key.hasPrefix("$setElementOrder/") || key == "$retainKeys" { continue }
                if key.hasPrefix("$") {
                    throw APIError.badRequest("strategic merge patch directive \(APIError.quote(key)) is not supported by this server")
                }
                out[key] = try strip(member, depth: depth + 1)
            }
            return .object(out)
        case .array(let items):
            return .array(try items.map { try strip($0, depth: depth + 1) })
        default:
            return value
        }
    }
}
