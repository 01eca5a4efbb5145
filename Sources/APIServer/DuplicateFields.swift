import EdgeAIAPI
import JSON

/// A request body decoded to a value, with the keys that appeared twice in one JSON object.
struct DecodedBody: Sendable {
    var value: JSONValue
    /// Field paths (`spec.dataUrl`) of repeated keys; the last value is the one kept.
    var duplicateKeys: [String] = []
}

/// kube-apiserver's handling of repeated JSON keys by `fieldValidation`: Strict refuses the body
/// (400, "strict decoding error: duplicate field ..."), Warn answers with one `Warning` header per
/// field, Ignore says nothing. The last value wins in the two latter cases, as in Go.
enum DuplicateFields {
    /// The warnings to send; throws BadRequest under Strict when `paths` is not empty.
    static func check(_ paths: [String], _ d: ResourceDefinition, options: WriteOptions) throws -> [String] {
        try check(paths, kind: d.type.kind, version: d.type.version, options: options)
    }

    static func check(_ paths: [String], kind: String, version: String, options: WriteOptions) throws -> [String] {
        try strictDecoding(paths.map { "duplicate field \(APIError.quote($0))" }, kind: kind, version: version, validation: options.fieldValidation)
    }

    /// Strict-decoding findings (`duplicate field "x"`, `unknown field "y"`) of a `kind` body by
    /// `fieldValidation`: Strict is kube-apiserver's 400, Warn returns them as warnings, Ignore drops them.
    static func strictDecoding(
        _ messages: [String], kind: String, version: String, validation: WriteOptions.FieldValidation
    ) throws(APIError) -> [String] {
        try strictDecoding(
            messages, prefix: "\(kind) in version \(APIError.quote(version)) cannot be handled as a \(kind): ", validation: validation)
    }

    private static func strictDecoding(
        _ messages: [String], prefix: String, validation: WriteOptions.FieldValidation
    ) throws(APIError) -> [String] {
        guard !messages.isEmpty else { return [] }
        switch validation {
        case .strict: throw APIError.badRequest(prefix + "strict decoding error: " + messages.joined(separator: ", "))
        case .warn: return messages
        case .ignore: return []
        }
    }

    /// The same for a merge or JSON patch's own keys, as kube-apiserver's patch handler words it:
    /// Strict is 400 `strict decoding error: duplicate field "spec.x"` (`json patch duplicate
    /// field "[0].op"` for a JSON patch), Warn one `Warning` per field, Ignore nothing.
    static func checkPatch(_ paths: [String], kind: PatchKind, options: WriteOptions) throws -> [String] {
        let prefix = kind == .json ? "json patch " : ""
        return try strictDecoding(paths.map { "\(prefix)duplicate field \(APIError.quote($0))" }, prefix: "", validation: options.fieldValidation)
    }
}
