import Foundation

/// Typed objects to and from Kubernetes JSON, with errors that name the field.
public enum KubeJSON {
    public struct DecodeError: Error, Sendable, CustomStringConvertible, Equatable {
        /// Dotted path of the offending field, e.g. `spec.dataUrl`; empty for the whole document.
        public var field: String
        public var message: String
        public var description: String { field.isEmpty ? message : "\(field): \(message)" }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(DecodeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw translate(error)
        } catch {
            throw DecodeError(field: "", message: "\(error)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(DecodeError) -> T {
        try decode(type, from: JSONWriter.bytes(value))
    }

    /// Compact JSON with sorted keys. Encoding our own types cannot fail; a value whose `encode`
    /// throws is reported as an encoding error.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    public static func value<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONParser.parse(try encode(value))
    }

    /// A coding path as the field it names: `spec.items[2].name`.
    package static func fieldPath(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce(into: "") { result, key in
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
    }

    static func translate(_ error: DecodingError) -> DecodeError {
        let path = fieldPath
        switch error {
        case .typeMismatch(let expected, let context):
            return DecodeError(field: path(context.codingPath), message: "expected \(jsonTypeName(expected)): \(context.debugDescription)")
        case .valueNotFound(let expected, let context):
            return DecodeError(field: path(context.codingPath), message: "expected \(jsonTypeName(expected)), found null")
        case .keyNotFound(let key, let context):
            return DecodeError(field: path(context.codingPath + [key]), message: "Required value")
        case .dataCorrupted(let context):
            return DecodeError(field: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return DecodeError(field: "", message: "\(error)")
        }
    }

    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type, is Int64.Type, is Int32.Type: "integer"
        case is Double.Type, is Float.Type: "number"
        case is Bool.Type: "boolean"
        default: String(describing: type).hasPrefix("Array") ? "array" : "object"
        }
    }
}
