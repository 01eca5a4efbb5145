package import JSON
import Yams

/// Multi-document YAML (or JSON, which is YAML) in and out, as kubectl reads and writes manifests.
///
/// Parsing never stops silently: a syntax error anywhere fails the whole input with its line and
/// column, so a half-read file never applies half its objects.
package enum Manifests {
    package struct ParseError: Error, Sendable, CustomStringConvertible, Equatable {
        package var message: String
        package var description: String { message }
    }

    /// Every non-empty document in `text`, in order. Alias expansion is bounded by `budget`
    /// (by default ``YAMLExpansionBudget/forInput(bytes:)`` of the text) across all documents.
    package static func parse(_ text: String, budget: YAMLExpansionBudget? = nil) throws(ParseError) -> [JSONValue] {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        if trimmed.first == "{" || trimmed.first == "[" {
            // JSON is YAML, but the JSON parser's errors are more precise and it is faster.
            if let value = try? JSONParser.parse(Array(text.utf8)) {
                if case .array(let items) = value, items.allSatisfy({ $0.objectValue != nil }) { return items }
                return [value]
            }
        }
        do {
            var documents = try Yams.compose_all(yaml: text)
            var values: [JSONValue] = []
            var meter = YAMLExpansionMeter(budget ?? .forInput(bytes: text.utf8.count))
            while let node = documents.next() {
                let value = try convert(node, path: "", meter: &meter)
                if value != .null { values.append(value) }
            }
            if let error = documents.error { throw error }
            return values
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(message: "error parsing YAML: \(describe(error))")
        }
    }

    /// The objects as YAML documents separated by `---`, keys sorted as kubectl prints them.
    package static func yaml(_ values: [JSONValue]) -> String {
        values.map { value in
            let node = node(value)
            return (try? Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true, sortKeys: true)) ?? ""
        }.joined(separator: "---\n")
    }

    package static func yaml(_ value: JSONValue) -> String { yaml([value]) }

    static func convert(_ node: Node, path: String, meter: inout YAMLExpansionMeter) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            try meter.charge(scalarBytes: scalar.string.utf8.count)
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int:
                if let i = Int64(scalar.string) { return .int(i) }
                return node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            try meter.charge()
            var elements: [JSONValue] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try convert(element, path: "\(path)[\(index)]", meter: &meter))
            }
            return .array(elements)
        case .mapping(let mapping):
            try meter.charge()
            var members: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                try meter.charge(scalarBytes: keyNode.string?.utf8.count ?? 0)
                guard let key = keyNode.string else {
                    throw ParseError(message: "error parsing YAML: a mapping key at \(path.isEmpty ? "the top level" : path) is not a string")
                }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if members[key] != nil {
                    throw ParseError(message: "error parsing YAML: key \"\(childPath)\" appears twice")
                }
                members[key] = try convert(valueNode, path: childPath, meter: &meter)
            }
            return .object(members)
        case .alias:
            throw ParseError(message: "error parsing YAML: aliases are not supported (at \(path.isEmpty ? "the top level" : path))")
        }
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double: return Node(JSONWriter.string(value), Tag(.float))
        case .string(let s):
            let scalar = s.represented()
            if s.contains("\n") { return .scalar(.init(s, Tag(.str), .literal)) }
            return .scalar(scalar)
        case .array(let elements): return .sequence(.init(elements.map(node)))
        case .object(let members): return .mapping(.init(members.map { (Node($0.key), node($0.value)) }))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return "line \(mark.line), column \(mark.column): \(problem)"
            default:
                return "\(yamlError)"
            }
        }
        return "\(error)"
    }
}
