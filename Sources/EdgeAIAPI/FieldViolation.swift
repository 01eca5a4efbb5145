import JSON

/// One violated rule, with the field path it concerns, worded as kube-apiserver words it.
public struct FieldViolation: Sendable, Hashable, CustomStringConvertible {
    /// The reasons Kubernetes uses in `Status.details.causes[].reason`.
    public enum Reason: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case typeInvalid = "FieldValueTypeInvalid"
        case notSupported = "FieldValueNotSupported"
        case tooLong = "FieldValueTooLong"
        case forbidden = "FieldValueForbidden"
    }

    public var field: String
    public var reason: Reason
    /// The message without the field path, e.g. `Required value`.
    public var detail: String

    public init(field: String, reason: Reason, detail: String) {
        self.field = field
        self.reason = reason
        self.detail = detail
    }

    /// `spec.format: Unsupported value: "xml": supported values: ...`
    public var description: String { "\(field): \(detail)" }

    public var cause: StatusCause { StatusCause(reason: reason.rawValue, message: detail, field: field) }

    static func required(_ field: String) -> FieldViolation {
        FieldViolation(field: field, reason: .required, detail: "Required value")
    }

    static func invalid(_ field: String, value: String, _ message: String) -> FieldViolation {
        FieldViolation(field: field, reason: .invalid, detail: "Invalid value: \(quoted(value)): \(message)")
    }

    static func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }
}

/// The violations of one object; thrown by validation so that nothing invalid is stored.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: String
    public var name: String
    public var violations: [FieldViolation]

    public init(kind: String, name: String, violations: [FieldViolation]) {
        self.kind = kind
        self.name = name
        self.violations = violations
    }

    /// `Dataset.edgeai.io "x" is invalid: [spec.format: ..., spec.nodeName: ...]`
    public var description: String {
        let list = violations.map(\.description)
        let body = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return "\(kind) \(FieldViolation.quoted(name)) is invalid: \(body)"
    }
}
