public import JSON

/// kube-apiserver's `ObjectMeta` rules beyond names: label keys and values, annotation keys and
/// total size, finalizer names, owner references (apimachinery's `ValidateObjectMeta`), worded
/// as it words them. Pure.
///
/// Wrong JSON types (`finalizers: "x"`) are not violations but decode errors (kube answers 400
/// before validating): see ``unmarshalError(_:)``. ``violations(_:)`` skips wrongly typed entries.
public enum MetadataValidation {
    /// The most bytes all annotation keys and values may take together.
    public static let totalAnnotationSizeLimit = 256 * 1024

    static let qualifiedNameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let labelKeyMessage =
        "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"

    /// Violations of labels, annotations, finalizers and ownerReferences in `metadata`.
    public static func violations(_ metadata: [String: JSONValue]) -> [FieldViolation] {
        var v: [FieldViolation] = []
        if case .object(let labels)? = metadata["labels"] {
            for key in labels.keys.sorted() {
                guard let value = labels[key]?.stringValue else { continue }
                v += qualifiedNameViolations(key, field: "metadata.labels")
                v += labelValueViolations(value, field: "metadata.labels")
            }
        }
        if case .object(let annotations)? = metadata["annotations"] {
            var total = 0
            for key in annotations.keys.sorted() {
                total += key.utf8.count + (annotations[key]?.stringValue?.utf8.count ?? 0)
                v += qualifiedNameViolations(key.lowercased(), field: "metadata.annotations")
            }
            if total > totalAnnotationSizeLimit {
                v.append(FieldViolation(
                    field: "metadata.annotations", reason: .tooLong, detail: "Too long: may not be more than \(totalAnnotationSizeLimit) bytes"))
            }
        }
        if case .array(let finalizers)? = metadata["finalizers"] {
            for case .string(let name) in finalizers {
                v += qualifiedNameViolations(name, field: "metadata.finalizers")
            }
        }
        if case .array(let owners)? = metadata["ownerReferences"] {
            var controllers: [String] = []
            for case .object(let ref) in owners {
                v += ownerReferenceViolations(ref)
                if ref["controller"] == .bool(true) { controllers.append(ref["name"]?.stringValue ?? "") }
            }
            if controllers.count > 1 {
                v.append(.invalid(
                    "metadata.ownerReferences", value: "[" + owners.map { JSONWriter.string($0) }.joined(separator: " ") + "]",
                    "Only one reference can have Controller set to true. Found \"true\" in references for " + controllers.joined(separator: " and ")))
            }
        }
        return v
    }

    static func ownerReferenceViolations(_ ref: [String: JSONValue]) -> [FieldViolation] {
        let field = "metadata.ownerReferences"
        var v: [FieldViolation] = []
        let apiVersion = ref["apiVersion"]?.stringValue ?? ""
        let version = apiVersion.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        if version.isEmpty || apiVersion.split(separator: "/", omittingEmptySubsequences: false).count > 2 {
            v.append(.invalid(field + ".apiVersion", value: apiVersion, "version must not be empty"))
        }
        for (key, message) in [("kind", "kind must not be empty"), ("name", "name must not be empty"), ("uid", "uid must not be empty")] {
            let value = ref[key]?.stringValue ?? ""
            if value.isEmpty { v.append(.invalid(field + ".\(key)", value: value, message)) }
        }
        return v
    }

    /// apimachinery's `IsQualifiedName`: an optional DNS-1123 subdomain prefix and `/`, then a
    /// name of at most 63 characters of `[A-Za-z0-9-_.]` starting and ending alphanumeric.
    public static func qualifiedNameViolations(_ value: String, field: String) -> [FieldViolation] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        var v: [FieldViolation] = []
        switch parts.count {
        case 1: name = parts[0]
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                v.append(.invalid(field, value: value, "prefix part must be non-empty"))
            } else if prefix.utf8.count > 253 {
                v.append(.invalid(field, value: value, "prefix part must be no more than 253 characters"))
            } else if !NameValidation.isDNS1123Subdomain(prefix) {
                v.append(.invalid(field, value: value, "prefix part " + NameValidation.dns1123SubdomainMessage))
            }
        default:
            return [.invalid(field, value: value, labelKeyMessage)]
        }
        if name.isEmpty {
            v.append(.invalid(field, value: value, "name part must be non-empty"))
        } else if name.utf8.count > 63 {
            v.append(.invalid(field, value: value, "name part must be no more than 63 characters"))
        }
        if !name.isEmpty, !isQualifiedNamePart(name.utf8) {
            v.append(.invalid(field, value: value, qualifiedNameMessage))
        }
        return v
    }

    /// A label value: empty, or at most 63 characters shaped as a qualified name's name part.
    static func labelValueViolations(_ value: String, field: String) -> [FieldViolation] {
        var v: [FieldViolation] = []
        if value.utf8.count > 63 { v.append(.invalid(field, value: value, "must be no more than 63 bytes")) }
        if !value.isEmpty, !isQualifiedNamePart(value.utf8) { v.append(.invalid(field, value: value, labelValueMessage)) }
        return v
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func isQualifiedNamePart(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.reversed().first, isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
    }

    /// Go's `json: cannot unmarshal <type> into Go struct field ObjectMeta.<field> of type <type>`
    /// for a `finalizers` or `ownerReferences` of the wrong JSON type, or nil.
    public static func unmarshalError(_ metadata: JSONValue?) -> String? {
        guard case .object(let members)? = metadata else { return nil }
        func fail(_ value: JSONValue, _ field: String, _ type: String) -> String {
            "json: cannot unmarshal \(goType(value)) into Go struct field \(field) of type \(type)"
        }
        if let finalizers = members["finalizers"], finalizers != .null {
            guard case .array(let items) = finalizers else { return fail(finalizers, "ObjectMeta.finalizers", "[]string") }
            if let bad = items.first(where: { $0.stringValue == nil && $0 != .null }) { return fail(bad, "ObjectMeta.finalizers", "string") }
        }
        if let owners = members["ownerReferences"], owners != .null {
            guard case .array(let items) = owners else { return fail(owners, "ObjectMeta.ownerReferences", "[]v1.OwnerReference") }
            for item in items where item != .null {
                guard case .object(let ref) = item else { return fail(item, "ObjectMeta.ownerReferences", "v1.OwnerReference") }
                for key in ["apiVersion", "kind", "name", "uid"] {
                    if let value = ref[key], value != .null, value.stringValue == nil {
                        return fail(value, "OwnerReference.ownerReferences.\(key)", key == "uid" ? "types.UID" : "string")
                    }
                }
                for key in ["controller", "blockOwnerDeletion"] {
                    if let value = ref[key], value != .null, value.boolValue == nil {
                        return fail(value, "OwnerReference.ownerReferences.\(key)", "bool")
                    }
                }
            }
        }
        return nil
    }

    /// A JSON value's type as Go's `encoding/json` names it in its errors (`bool`, `number`, …).
    public static func goType(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
