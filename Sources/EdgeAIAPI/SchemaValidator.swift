public import JSON

/// Validates a JSON object against a structural OpenAPI schema the way kube-apiserver does for
/// custom resources: unknown fields are pruned (and reported, for `fieldValidation`), `null`s in
/// fields that are not nullable are dropped, and every violation is collected with its field path.
///
/// Root `apiVersion`, `kind` and `metadata` are left alone: object metadata has rules of its own
/// (``ObjectValidation``).
///
/// On an update, values equal to the stored object's, at any depth, are kept as stored and not
/// checked again (kube's CRD validation ratcheting, on by default since 1.30): a status write
/// validates only the status, and a stricter schema does not refuse writes that leave old values
/// alone. They were pruned when written; after a schema change, a field it dropped goes when the
/// object holding it changes.
public struct SchemaValidator: Sendable {
    public struct Outcome: Sendable {
        /// The input without pruned fields.
        public var value: JSONValue
        public var violations: [FieldViolation]
        /// Paths of pruned unknown fields, e.g. `spec.bogus`.
        public var unknownFields: [String]
    }

    public let schema: JSONSchemaProps

    public init(schema: JSONSchemaProps) { self.schema = schema }

    /// - Parameter old: the stored object this value replaces, nil for a create.
    public func validate(_ value: JSONValue, old: JSONValue? = nil) -> Outcome {
        var context = Context()
        guard case .object(var members) = value else {
            context.violations.append(typeViolation(path: "", expected: "object", actual: value))
            return Outcome(value: value, violations: context.violations, unknownFields: [])
        }
        let metadata = members.removeValue(forKey: "metadata")
        var pruned = context.check(.object(members), schema, path: "", old: old, isRoot: true) ?? .object([:])
        if let metadata { pruned["metadata"] = metadata }
        return Outcome(value: pruned, violations: context.violations, unknownFields: context.unknownFields)
    }
}

private struct Context {
    var violations: [FieldViolation] = []
    var unknownFields: [String] = []

    /// Returns the pruned value, or nil when the value is dropped (a null that is not nullable).
    /// `old` is the stored value at the same path, if any: an equal value is kept as it is.
    mutating func check(_ value: JSONValue, _ schema: JSONSchemaProps, path: String, old: JSONValue? = nil, isRoot: Bool = false) -> JSONValue? {
        if !isRoot, let old, old == value { return value }
        if case .null = value {
            return schema.nullable == true ? value : nil
        }
        switch (schema.type, value) {
        case (nil, _):
            return value
        case ("object", .object(let members)):
            return .object(checkObject(members, schema, path: path, old: old?.objectValue, isRoot: isRoot))
        case ("array", .array(let elements)):
            guard let items = schema.items else { return value }
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                if let checked = check(element, items, path: "\(path)[\(index)]") { result.append(checked) }
            }
            checkListMapKeys(result, schema, path: path)
            return .array(result)
        case ("string", .string(let s)):
            checkString(s, schema, path: path)
            return value
        case ("integer", .int(let i)):
            checkNumber(Double(i), text: String(i), schema, path: path)
            return value
        case ("integer", .double(let d)) where d.rounded() == d && abs(d) < 9.2e18:
            checkNumber(d, text: String(Int64(d)), schema, path: path)
            return .int(Int64(d))
        case ("number", .int(let i)):
            checkNumber(Double(i), text: String(i), schema, path: path)
            return value
        case ("number", .double(let d)):
            checkNumber(d, text: "\(d)", schema, path: path)
            return value
        case ("boolean", .bool):
            checkEnum(value, schema, path: path)
            return value
        default:
            violations.append(typeViolation(path: path, expected: schema.type ?? "", actual: value))
            return value
        }
    }

    mutating func checkObject(
        _ members: [String: JSONValue], _ schema: JSONSchemaProps, path: String, old: [String: JSONValue]?, isRoot: Bool
    ) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        let properties = schema.properties
        for (key, member) in members {
            let memberPath = path.isEmpty ? key : "\(path).\(key)"
            if let memberSchema = properties?[key] ?? schema.additionalProperties {
                if let checked = check(member, memberSchema, path: memberPath, old: old?[key]) { result[key] = checked }
            } else if schema.xKubernetesPreserveUnknownFields == true {
                result[key] = member
            } else if isRoot && (key == "apiVersion" || key == "kind") {
                result[key] = member
            } else {
                unknownFields.append(memberPath)
            }
        }
        for key in schema.required ?? [] where result[key] == nil {
            violations.append(.required(path.isEmpty ? key : "\(path).\(key)"))
        }
        return result
    }

    mutating func checkString(_ s: String, _ schema: JSONSchemaProps, path: String) {
        if let minLength = schema.minLength, s.count < minLength {
            violations.append(.invalid(path, value: s, "\(path) in body should be at least \(minLength) chars long"))
        }
        if let maxLength = schema.maxLength, s.count > maxLength {
            violations.append(FieldViolation(field: path, reason: .tooLong, detail: "Too long: may not be more than \(maxLength) bytes"))
        }
        if let pattern = schema.pattern, !PatternMatcher.matches(s, pattern: pattern) {
            violations.append(.invalid(path, value: s, "\(path) in body should match '\(pattern)'"))
        }
        if schema.format == "date-time", Time(rfc3339: s) == nil {
            violations.append(.invalid(path, value: s, "\(path) in body must be of type date-time: \(FieldViolation.quoted(s))"))
        }
        checkEnum(.string(s), schema, path: path)
    }

    mutating func checkNumber(_ d: Double, text: String, _ schema: JSONSchemaProps, path: String) {
        if let minimum = schema.minimum, d < minimum {
            violations.append(FieldViolation(
                field: path, reason: .invalid, detail: "Invalid value: \(text): \(path) in body should be greater than or equal to \(JSONWriter.string(.double(minimum)))"))
        }
        if let maximum = schema.maximum, d > maximum {
            violations.append(FieldViolation(
                field: path, reason: .invalid, detail: "Invalid value: \(text): \(path) in body should be less than or equal to \(JSONWriter.string(.double(maximum)))"))
        }
    }

    mutating func checkEnum(_ value: JSONValue, _ schema: JSONSchemaProps, path: String) {
        guard let allowed = schema.enum, !allowed.contains(value) else { return }
        let supported = allowed.map { JSONWriter.string($0) }.joined(separator: ", ")
        violations.append(FieldViolation(
            field: path, reason: .notSupported, detail: "Unsupported value: \(JSONWriter.string(value)): supported values: \(supported)"))
    }

    mutating func checkListMapKeys(_ elements: [JSONValue], _ schema: JSONSchemaProps, path: String) {
        guard schema.xKubernetesListType == "map", let keys = schema.xKubernetesListMapKeys else { return }
        var seen = Set<[JSONValue]>()
        for (index, element) in elements.enumerated() {
            let identity = keys.map { element[$0] ?? .null }
            if !seen.insert(identity).inserted {
                violations.append(FieldViolation(
                    field: "\(path)[\(index)]", reason: .invalid, detail: "Duplicate value: \(JSONWriter.string(.object(Dictionary(uniqueKeysWithValues: zip(keys, identity)))))"))
            }
        }
    }
}

func typeViolation(path: String, expected: String, actual: JSONValue) -> FieldViolation {
    let name = path.isEmpty ? "body" : path
    return FieldViolation(
        field: path, reason: .typeInvalid,
        detail: "Invalid value: \(FieldViolation.quoted(actual.typeName)): \(name) in body must be of type \(expected): \(FieldViolation.quoted(actual.typeName))")
}

/// Schema `pattern`s. The DNS-1123 subdomain pattern, the only one edgeai's CRDs use, is checked
/// natively; any other pattern goes through Swift Regex.
enum PatternMatcher {
    static func matches(_ s: String, pattern: String) -> Bool {
        if pattern == NameValidation.dns1123SubdomainPattern { return NameValidation.isDNS1123Subdomain(s) }
        guard let regex = try? Regex(pattern) else { return true }
        return (try? regex.firstMatch(in: s)) != nil
    }
}
