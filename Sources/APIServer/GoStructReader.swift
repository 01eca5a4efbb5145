import EdgeAIAPI
import JSON

/// Reads a request body's fields as Go's `encoding/json` reads them into a typed struct, for the
/// built-in kinds served without a stored schema (the self reviews): a JSON type that does not
/// fit is kube-apiserver's 400 (`json: cannot unmarshal string into Go struct field ...`),
/// `null` is the zero value, and members no field names are collected as unknown fields for
/// `fieldValidation`. Pure.
struct GoStructReader {
    /// The kind and version named in the 400's message, e.g. `SelfSubjectAccessReview`, `v1`.
    let kind: String
    let version: String
    /// Dotted paths of members that no field names, in the order met (`spec.bogus`).
    private(set) var unknownFields: [String] = []

    init(kind: String, version: String) {
        self.kind = kind
        self.version = version
    }

    /// The members of the object at `path` (nil when absent or null), recording unknown ones.
    /// `parent` is the Go struct holding the field and `goType` the field's type, as Go names them.
    mutating func object(
        _ value: JSONValue?, path: String, parent: String, goType: String, known: Set<String>
    ) throws(APIError) -> [String: JSONValue]? {
        guard let value, value != .null else { return nil }
        guard case .object(let members) = value else { throw mismatch(value, path: path, parent: parent, goType: goType) }
        for key in members.keys.sorted() where !known.contains(key) {
            unknownFields.append(path.isEmpty ? key : "\(path).\(key)")
        }
        return members
    }

    /// A string field: "" when absent or null.
    func string(_ value: JSONValue?, path: String, parent: String) throws(APIError) -> String {
        guard let value, value != .null else { return "" }
        guard case .string(let s) = value else { throw mismatch(value, path: path, parent: parent, goType: "string") }
        return s
    }

    /// The 400 for a member whose JSON type does not fit its Go field.
    func mismatch(_ value: JSONValue, path: String, parent: String, goType: String) -> APIError {
        let detail = path.isEmpty
            ? "json: cannot unmarshal \(MetadataValidation.goType(value)) into Go value of type \(goType)"
            : "json: cannot unmarshal \(MetadataValidation.goType(value)) into Go struct field \(parent).\(path) of type \(goType)"
        return APIError.badRequest("\(kind) in version \(APIError.quote(version)) cannot be handled as a \(kind): \(detail)")
    }

    /// The unknown-field treatment of `fieldValidation`: the warnings to send, or a 400 under Strict.
    func unknownFieldWarnings(_ validation: WriteOptions.FieldValidation) throws(APIError) -> [String] {
        try DuplicateFields.strictDecoding(
            unknownFields.map { "unknown field \(APIError.quote($0))" }, kind: kind, version: version, validation: validation)
    }
}
