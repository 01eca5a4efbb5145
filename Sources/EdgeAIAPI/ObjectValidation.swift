public import JSON

/// Validation of whole objects: metadata rules, then the kind's schema. The API server runs it on
/// every write and the CLI before sending, so both report the same violations.
public enum ObjectValidation {
    public struct Result: Sendable {
        /// The object with unknown fields pruned.
        public var object: JSONValue
        public var violations: [FieldViolation]
        public var unknownFields: [String]
    }

    /// Checks `object` as a `definition`. `requireName` is false when the server will generate the
    /// name from `metadata.generateName`.
    /// - Parameter old: the stored object on an update: what it leaves unchanged is not checked
    ///   again (``SchemaValidator``), metadata included.
    public static func validate(_ object: JSONValue, as definition: ResourceDefinition, old: JSONValue? = nil) -> Result {
        var violations: [FieldViolation] = []
        if old == nil || old?["metadata"] != object["metadata"] {
            violations += metadataViolations(object["metadata"], definition: definition)
        }
        if let apiVersion = object["apiVersion"], apiVersion != .string(definition.type.apiVersion) {
            violations.append(.invalid("apiVersion", value: apiVersion.stringValue ?? JSONWriter.string(apiVersion), "must be \(definition.type.apiVersion)"))
        }
        if let kind = object["kind"], kind != .string(definition.type.kind) {
            violations.append(.invalid("kind", value: kind.stringValue ?? JSONWriter.string(kind), "must be \(definition.type.kind)"))
        }
        guard let schema = definition.schema else {
            return Result(object: object, violations: violations, unknownFields: [])
        }
        let outcome = SchemaValidator(schema: schema).validate(object, old: old)
        return Result(object: outcome.value, violations: violations + outcome.violations, unknownFields: outcome.unknownFields)
    }

    /// Throws a ``ValidationError`` listing every violation, or returns the pruned object.
    public static func check(_ object: JSONValue, as definition: ResourceDefinition) throws(ValidationError) -> JSONValue {
        let result = validate(object, as: definition)
        guard result.violations.isEmpty else {
            let name = object["metadata"]?["name"]?.stringValue ?? object["metadata"]?["generateName"]?.stringValue ?? ""
            throw ValidationError(kind: definition.qualifiedKind, name: name, violations: result.violations)
        }
        return result.object
    }

    static func metadataViolations(_ metadata: JSONValue?, definition: ResourceDefinition) -> [FieldViolation] {
        guard let metadata else { return [.required("metadata.name")] }
        guard case .object(let members) = metadata else {
            return [typeViolation(path: "metadata", expected: "object", actual: metadata)]
        }
        var violations: [FieldViolation] = []
        for key in ["name", "generateName", "namespace", "uid", "resourceVersion"] {
            if let value = members[key], value != .null, value.stringValue == nil {
                violations.append(typeViolation(path: "metadata.\(key)", expected: "string", actual: value))
            }
        }
        let name = members["name"]?.stringValue ?? ""
        let generateName = members["generateName"]?.stringValue ?? ""
        if name.isEmpty && generateName.isEmpty {
            violations.append(FieldViolation(field: "metadata.name", reason: .required, detail: "Required value: name or generateName is required"))
        } else if !name.isEmpty {
            violations += NameValidation.subdomainViolations(name, field: "metadata.name")
        } else {
            // generateName gets a random 5-character suffix; only its prefix must be valid so far.
            let probe = generateName.hasSuffix("-") || generateName.hasSuffix(".") ? generateName + "x" : generateName
            violations += NameValidation.subdomainViolations(probe, field: "metadata.generateName")
        }
        if let namespace = members["namespace"]?.stringValue, !namespace.isEmpty, !NameValidation.isDNS1123Label(namespace) {
            violations.append(.invalid("metadata.namespace", value: namespace, NameValidation.dns1123LabelMessage))
        }
        for key in ["labels", "annotations"] {
            if let map = members[key], map != .null {
                guard case .object(let entries) = map else {
                    violations.append(typeViolation(path: "metadata.\(key)", expected: "object", actual: map))
                    continue
                }
                for (entryKey, entryValue) in entries where entryValue.stringValue == nil {
                    violations.append(typeViolation(path: "metadata.\(key).\(entryKey)", expected: "string", actual: entryValue))
                }
            }
        }
        violations += MetadataValidation.violations(members)
        return violations
    }
}
