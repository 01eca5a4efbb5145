import EdgeAIAPI
import JSON
import ManifestYAML

/// `-o yaml`, `-o json` and `-o name` output, as kubectl prints them. Pure.
///
/// Several objects print as a `v1` `List` (yaml and json) or one name per line; one object
/// prints as itself.
enum OutputFormat: String, CaseIterable, Sendable {
    case table = ""
    case wide, yaml, json, name

    struct Unknown: Error, CustomStringConvertible {
        var value: String
        var description: String { "unable to match a printer suitable for the output format \"\(value)\", allowed formats are: json, name, wide, yaml" }
    }

    static func parse(_ value: String?) throws(Unknown) -> OutputFormat {
        guard let value, !value.isEmpty else { return .table }
        guard let format = OutputFormat(rawValue: value), format != .table else { throw Unknown(value: value) }
        return format
    }
}

enum ObjectPrinter {
    /// The objects in `format` (not `table`/`wide`); `single` prints one object without a List.
    static func render(_ objects: [JSONValue], format: OutputFormat, kind: ResourceKind, single: Bool) -> String {
        switch format {
        case .name:
            return objects.map { kind.objectName($0["metadata"]?["name"]?.stringValue ?? "") + "\n" }.joined()
        case .yaml:
            return Manifests.yaml(single && objects.count == 1 ? objects[0] : list(objects))
        case .json:
            return prettyJSON(single && objects.count == 1 ? objects[0] : list(objects)) + "\n"
        case .table, .wide:
            return ""
        }
    }

    /// kubectl's wrapper for several objects.
    static func list(_ objects: [JSONValue]) -> JSONValue {
        ["apiVersion": "v1", "kind": "List", "items": .array(objects), "metadata": ["resourceVersion": ""]]
    }

    /// JSON with sorted keys and 4-space indentation (kubectl's `-o json`).
    static func prettyJSON(_ value: JSONValue, indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 4)
        let close = String(repeating: " ", count: indent)
        switch value {
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + prettyJSON($0, indent: indent + 4) }.joined(separator: ",\n") + "\n\(close)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            let body = members.keys.sorted().map { key in
                pad + JSONWriter.string(.string(key)) + ": " + prettyJSON(members[key] ?? .null, indent: indent + 4)
            }
            return "{\n" + body.joined(separator: ",\n") + "\n\(close)}"
        default:
            return JSONWriter.string(value)
        }
    }
}
