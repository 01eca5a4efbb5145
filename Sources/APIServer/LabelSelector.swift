import EdgeAIAPI
import JSON

/// A parsed `labelSelector`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
/// comma-separated requirements that must all hold. Matching is pure.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]

    var isEmpty: Bool { requirements.isEmpty }

    /// Parses `text`; throws a BadRequest worded like kube-apiserver on bad syntax.
    init(parsing text: String) throws(APIError) {
        requirements = []
        for raw in Self.splitTopLevel(text) {
            let term = raw.trimmingSpaces
            if term.isEmpty { continue }
            requirements.append(try Self.parseRequirement(term, whole: text))
        }
    }

    func matches(_ labels: [String: JSONValue]?) -> Bool {
        let labels = labels ?? [:]
        for r in requirements {
            switch r {
            case .equals(let k, let v): if labels[k]?.stringValue != v { return false }
            case .notEquals(let k, let v): if labels[k]?.stringValue == v { return false }
            case .isIn(let k, let vs):
                guard let v = labels[k]?.stringValue, vs.contains(v) else { return false }
            case .notIn(let k, let vs): if let v = labels[k]?.stringValue, vs.contains(v) { return false }
            case .exists(let k): if labels[k] == nil { return false }
            case .doesNotExist(let k): if labels[k] != nil { return false }
            }
        }
        return true
    }

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseRequirement(_ term: String, whole: String) throws(APIError) -> Requirement {
        func bad(_ why: String) -> APIError {
            APIError.badRequest("unable to parse requirement: \(why)")
        }
        if term.hasPrefix("!") {
            let key = String(term.dropFirst()).trimmingSpaces
            guard isValidKey(key) else { throw bad("invalid label key \(APIError.quote(key))") }
            return .doesNotExist(key)
        }
        for (op, isNot) in [(" notin ", true), (" in ", false)] {
            if let range = term.firstRange(of: op) {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                let rest = String(term[range.upperBound...]).trimmingSpaces
                guard rest.hasPrefix("("), rest.hasSuffix(")") else { throw bad("found '\(rest)', expected: '('") }
                let values = Set(rest.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces })
                guard isValidKey(key) else { throw bad("invalid label key \(APIError.quote(key))") }
                return isNot ? .notIn(key, values) : .isIn(key, values)
            }
        }
        for (op, kind) in [("!=", 0), ("==", 1), ("=", 1)] {
            if let range = term.firstRange(of: op) {
                let key = String(term[..<range.lowerBound]).trimmingSpaces
                let value = String(term[range.upperBound...]).trimmingSpaces
                guard isValidKey(key) else { throw bad("invalid label key \(APIError.quote(key))") }
                guard isValidValue(value) else {
                    throw APIError.badRequest("invalid label value: \(APIError.quote(value)): at key: \(APIError.quote(key))")
                }
                return kind == 0 ? .notEquals(key, value) : .equals(key, value)
            }
        }
        guard isValidKey(term) else { throw bad("invalid label key \(APIError.quote(term))") }
        return .exists(term)
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 317 && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.count <= 63 && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}

extension String {
    /// The text without leading and trailing spaces (found by index: this runs per request).
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { $0 != " " }), let last = lastIndex(where: { $0 != " " }) else { return "" }
        return String(self[first...last])
    }
}
