import EdgeAIAPI
import JSON

/// A parsed `fieldSelector`: comma-separated `path=value`, `path==value`, `path!=value` terms
/// over `metadata.name`, `metadata.namespace` and the kind's selectable fields.
struct FieldSelector: Sendable, Equatable {
    struct Term: Sendable, Equatable {
        var path: String
        var value: String
        var negated: Bool
    }

    var terms: [Term]

    var isEmpty: Bool { terms.isEmpty }

    /// Throws 400 `field label not supported: X` for a path the kind does not declare.
    init(parsing text: String, for definition: ResourceDefinition) throws(APIError) {
        terms = []
        for raw in text.split(separator: ",") {
            let term = String(raw).trimmingSpaces
            if term.isEmpty { continue }
            var parsed: Term?
            for (op, negated) in [("!=", true), ("==", false), ("=", false)] {
                if let range = term.firstRange(of: op) {
                    parsed = Term(
                        path: String(term[..<range.lowerBound]).trimmingSpaces,
                        value: String(term[range.upperBound...]).trimmingSpaces, negated: negated)
                    break
                }
            }
            guard let parsed else { throw APIError.badRequest("invalid selector: '\(term)'; can't understand '\(term)'") }
            let supported = parsed.path == "metadata.name" || parsed.path == "metadata.namespace"
                || definition.selectableFields.contains(parsed.path)
            guard supported else { throw APIError.badRequest("field label not supported: \(parsed.path)") }
            terms.append(parsed)
        }
    }

    /// The value a selector compares: strings as they are, numbers and booleans in their JSON form,
    /// missing values as "".
    func matches(_ object: JSONValue) -> Bool {
        for term in terms {
            let actual: String
            switch object.value(atPath: term.path) {
            case .string(let s)?: actual = s
            case nil, .null?: actual = ""
            case let other?: actual = JSONWriter.string(other)
            }
            if (actual == term.value) == term.negated { return false }
        }
        return true
    }

    /// The name an `metadata.name=x` term pins, for a direct lookup.
    var pinnedName: String? {
        terms.first { $0.path == "metadata.name" && !$0.negated }?.value
    }
}
