import EdgeAIAPI
import JSON

/// kube-apiserver's rules for core `v1` Secrets, pure: decoding (`data` values are base64,
/// `stringData` values strings), `stringData` merged into `data` on every write (its keys win),
/// `type` defaulted to `Opaque` and immutable, an `immutable` Secret's data frozen, keys and size
/// checked, the per-type required keys.
///
/// No message produced here contains a value from `data` or `stringData`: only key names,
/// offsets and the type.
enum SecretStrategy {
    static let maxDataBytes = 1 << 20
    static let fields: Set<String> = ["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"]

    /// The outcome of decoding a proposed Secret: the normalized object, unknown top-level
    /// fields (already pruned), or a decode error worded as kube's JSON decoder words it.
    struct Normalized {
        var object: JSONValue
        var unknownFields: [String]
        var violations: [FieldViolation]
    }

    static func isSecret(_ d: ResourceDefinition) -> Bool { d.type.group.isEmpty && d.type.plural == "secrets" }

    /// Decodes and normalizes `object`. Throws `APIError` 400 for a decode error (a value of the
    /// wrong JSON type, bad base64).
    static func normalize(_ object: JSONValue) throws -> Normalized {
        guard var members = object.objectValue else { throw decodeError("the object provided is unrecognized") }
        var unknown: [String] = []
        for key in members.keys.sorted() where !fields.contains(key) {
            unknown.append(key)
            members[key] = nil
        }
        var data: [String: JSONValue] = [:]
        var sizes: [String: Int] = [:]
        switch members["data"] {
        case nil, .null?: break
        case .object(let entries)?:
            for (key, value) in entries {
                switch value {
                case .null: continue
                case .string(let text):
                    do { sizes[key] = try Base64.decode(text).count } catch { throw decodeError(error.description) }
                    data[key] = value
                default: throw decodeError(unmarshal(value, field: "data", type: "[]uint8"))
                }
            }
        case let other?: throw decodeError(unmarshal(other, field: "data", type: "map[string][]uint8"))
        }
        switch members["stringData"] {
        case nil, .null?: break
        case .object(let entries)?:
            for (key, value) in entries {
                guard case .string(let text) = value else {
                    if value == .null { continue }
                    throw decodeError(unmarshal(value, field: "stringData", type: "string"))
                }
                data[key] = .string(Base64.encode(text.utf8))
                sizes[key] = text.utf8.count
            }
        case let other?: throw decodeError(unmarshal(other, field: "stringData", type: "map[string]string"))
        }
        members["stringData"] = nil
        members["data"] = data.isEmpty ? nil : .object(data)
        switch members["type"] {
        case nil, .null?, .string("")?: members["type"] = "Opaque"
        case .string?: break
        case let other?: throw decodeError(unmarshal(other, field: "type", type: "v1.SecretType"))
        }
        switch members["immutable"] {
        case nil, .bool?: break
        case .null?: members["immutable"] = nil
        case let other?: throw decodeError(unmarshal(other, field: "immutable", type: "bool"))
        }
        var violations: [FieldViolation] = []
        for key in data.keys.sorted() { violations += keyViolations(key) }
        if sizes.values.reduce(0, +) > maxDataBytes {
            violations.append(FieldViolation(field: "data", reason: .tooLong, detail: "Too long: must have at most \(maxDataBytes) bytes"))
        }
        let normalized = JSONValue.object(members)
        violations += typeViolations(normalized)
        return Normalized(object: normalized, unknownFields: unknown, violations: violations)
    }

    /// Rules between the stored Secret and its replacement: `type` never changes; once
    /// `immutable` is true, neither `data` nor `immutable` does.
    static func updateViolations(old: JSONValue, new: JSONValue) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        let oldType = old["type"]?.stringValue ?? "Opaque"
        let newType = new["type"]?.stringValue ?? "Opaque"
        if oldType != newType {
            violations.append(.init(field: "type", reason: .invalid, detail: "Invalid value: \(APIError.quote(newType)): field is immutable"))
        }
        if old["immutable"] == .bool(true) {
            let frozen = "Forbidden: field is immutable when `immutable` is set"
            if (old["data"] ?? .null) != (new["data"] ?? .null) {
                violations.append(.init(field: "data", reason: .forbidden, detail: frozen))
            }
            if new["immutable"] != .bool(true) {
                violations.append(.init(field: "immutable", reason: .forbidden, detail: frozen))
            }
        }
        return violations
    }

    /// kube's `IsConfigMapKey`: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`, not
    /// starting with `..`.
    static func keyViolations(_ key: String) -> [FieldViolation] {
        let field = "data[\(key)]"
        let allowed = key.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x2E || c == 0x5F
        }
        var messages: [String] = []
        if key.utf8.count > 253 { messages.append("must be no more than 253 characters") }
        if key.isEmpty || !allowed {
            messages.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." { messages.append("must not be '.'") } else if key == ".." { messages.append("must not be '..'") } else if key.hasPrefix("..") {
            messages.append("must not start with '..'")
        }
        return messages.map { .init(field: field, reason: .invalid, detail: "Invalid value: \(APIError.quote(key)): \($0)") }
    }

    /// The keys (or annotation) each well-known type requires.
    static func typeViolations(_ secret: JSONValue) -> [FieldViolation] {
        let keys = Set(secret["data"]?.objectValue?.keys.map { $0 } ?? [])
        func required(_ key: String) -> FieldViolation { .init(field: "data[\(key)]", reason: .required, detail: "Required value") }
        switch secret["type"]?.stringValue ?? "Opaque" {
        case "kubernetes.io/tls":
            return ["tls.crt", "tls.key"].filter { !keys.contains($0) }.map(required)
        case "kubernetes.io/dockerconfigjson":
            return keys.contains(".dockerconfigjson") ? [] : [required(".dockerconfigjson")]
        case "kubernetes.io/dockercfg":
            return keys.contains(".dockercfg") ? [] : [required(".dockercfg")]
        case "kubernetes.io/basic-auth":
            return keys.contains("username") || keys.contains("password") ? [] : [required("username"), required("password")]
        case "kubernetes.io/ssh-auth":
            return keys.contains("ssh-privatekey") ? [] : [required("ssh-privatekey")]
        case "kubernetes.io/service-account-token":
            guard secret["metadata"]?["annotations"]?["kubernetes.io/service-account.name"]?.stringValue?.isEmpty == false else {
                return [.init(field: "metadata.annotations[kubernetes.io/service-account.name]", reason: .required, detail: "Required value")]
            }
            return []
        default:
            return []
        }
    }

    static func decodeError(_ message: String) -> APIError {
        APIError.badRequest("Secret in version \"v1\" cannot be handled as a Secret: \(message)")
    }

    /// `json: cannot unmarshal number into Go struct field Secret.data of type []uint8`
    static func unmarshal(_ value: JSONValue, field: String, type: String) -> String {
        let jsonType: String
        switch value {
        case .string: jsonType = "string"
        case .bool: jsonType = "bool"
        case .int, .double: jsonType = "number"
        case .array: jsonType = "array"
        case .object: jsonType = "object"
        case .null: jsonType = "null"
        }
        return "json: cannot unmarshal \(jsonType) into Go struct field Secret.\(field) of type \(type)"
    }

    /// What a Table row or an error may show of a Secret's metadata: everything but
    /// `kubectl.kubernetes.io/last-applied-configuration` (a copy of the values).
    static func redactedMetadata(_ metadata: JSONValue?) -> JSONValue? {
        guard var m = metadata, var annotations = m["annotations"]?.objectValue else { return metadata }
        annotations["kubectl.kubernetes.io/last-applied-configuration"] = nil
        m["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        return m
    }
}
