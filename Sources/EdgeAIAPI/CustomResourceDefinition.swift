public import JSON

/// `apiextensions.k8s.io/v1` CustomResourceDefinition: the fields edgeai uses, in the order
/// Kubernetes documents them, so the YAML reads like a hand-written CRD.
public struct CustomResourceDefinition: Codable, Sendable {
    public var apiVersion = "apiextensions.k8s.io/v1"
    public var kind = "CustomResourceDefinition"
    public var metadata: ObjectMeta
    public var spec: Spec

    public init(metadata: ObjectMeta, spec: Spec) {
        self.metadata = metadata
        self.spec = spec
    }

    public struct Spec: Codable, Sendable {
        public var group: String
        public var names: Names
        public var scope: String
        public var versions: [Version]
    }

    public struct Names: Codable, Sendable {
        public var kind: String
        public var listKind: String
        public var plural: String
        public var singular: String
        public var shortNames: [String]?
        public var categories: [String]?
    }

    public struct Version: Codable, Sendable {
        public var name: String
        public var served: Bool
        public var storage: Bool
        public var schema: Validation
        public var subresources: Subresources?
        public var additionalPrinterColumns: [PrinterColumn]?
        public var selectableFields: [SelectableField]?
    }

    public struct Validation: Codable, Sendable {
        public var openAPIV3Schema: JSONSchemaProps
    }

    public struct Subresources: Codable, Sendable {
        /// Present (as `{}`) when the status subresource is enabled.
        public var status: JSONValue?
    }

    public struct PrinterColumn: Codable, Sendable, Hashable {
        public var name: String
        public var type: String
        public var format: String?
        public var description: String?
        public var jsonPath: String
        public var priority: Int?
    }

    public struct SelectableField: Codable, Sendable, Hashable {
        public var jsonPath: String
    }
}

/// An OpenAPI v3 structural schema node (the subset edgeai's CRDs and validator use).
public final class JSONSchemaProps: Codable, Sendable {
    public let type: String?
    public let format: String?
    public let description: String?
    public let properties: [String: JSONSchemaProps]?
    public let required: [String]?
    public let items: JSONSchemaProps?
    public let `enum`: [JSONValue]?
    public let minLength: Int?
    public let maxLength: Int?
    public let pattern: String?
    public let minimum: Double?
    public let maximum: Double?
    public let nullable: Bool?
    public let xKubernetesPreserveUnknownFields: Bool?
    public let xKubernetesListType: String?
    public let xKubernetesListMapKeys: [String]?
    /// The schema of every member of an object not named in `properties` (a map, e.g. labels).
    public let additionalProperties: JSONSchemaProps?

    enum CodingKeys: String, CodingKey {
        case type, format, description, properties, required, items, `enum`, minLength, maxLength, pattern
        case minimum, maximum, nullable, additionalProperties
        case xKubernetesPreserveUnknownFields = "x-kubernetes-preserve-unknown-fields"
        case xKubernetesListType = "x-kubernetes-list-type"
        case xKubernetesListMapKeys = "x-kubernetes-list-map-keys"
    }

    public init(
        type: String?, format: String? = nil, description: String? = nil,
        properties: [String: JSONSchemaProps]? = nil, required: [String]? = nil, items: JSONSchemaProps? = nil,
        enum: [JSONValue]? = nil, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil,
        minimum: Double? = nil, maximum: Double? = nil, nullable: Bool? = nil,
        preserveUnknownFields: Bool? = nil, listType: String? = nil, listMapKeys: [String]? = nil,
        additionalProperties: JSONSchemaProps? = nil
    ) {
        self.additionalProperties = additionalProperties
        self.type = type
        self.format = format
        self.description = description
        self.properties = properties
        self.required = required
        self.items = items
        self.enum = `enum`
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.nullable = nullable
        self.xKubernetesPreserveUnknownFields = preserveUnknownFields
        self.xKubernetesListType = listType
        self.xKubernetesListMapKeys = listMapKeys
    }

    public static func string(_ description: String, format: String? = nil, minLength: Int? = nil, enum values: [String]? = nil) -> JSONSchemaProps {
        JSONSchemaProps(type: "string", format: format, description: description, enum: values.map { $0.map(JSONValue.string) }, minLength: minLength)
    }

    public static func integer(_ description: String, minimum: Double? = nil) -> JSONSchemaProps {
        JSONSchemaProps(type: "integer", format: "int64", description: description, minimum: minimum)
    }

    public static func object(_ description: String, properties: [String: JSONSchemaProps], required: [String]? = nil) -> JSONSchemaProps {
        JSONSchemaProps(type: "object", description: description, properties: properties, required: required)
    }
}
