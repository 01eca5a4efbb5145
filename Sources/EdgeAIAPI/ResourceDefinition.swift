/// Everything a server or client needs to know about one kind of resource: names, scope,
/// schema, printer columns, selectable fields. Built from a CRD, so adding a kind is data.
public struct ResourceDefinition: Sendable {
    public var type: ResourceType
    public var singular: String
    public var listKind: String
    public var shortNames: [String]
    public var categories: [String]
    /// nil: no schema validation (the object is kept as sent).
    public var schema: JSONSchemaProps?
    public var printerColumns: [CustomResourceDefinition.PrinterColumn]
    /// Field paths usable in field selectors beyond metadata.name/namespace, e.g. `spec.nodeName`.
    public var selectableFields: [String]
    public var hasStatusSubresource: Bool

    public init(
        type: ResourceType, singular: String, listKind: String, shortNames: [String] = [], categories: [String] = [],
        schema: JSONSchemaProps? = nil, printerColumns: [CustomResourceDefinition.PrinterColumn] = [],
        selectableFields: [String] = [], hasStatusSubresource: Bool = false
    ) {
        self.type = type
        self.singular = singular
        self.listKind = listKind
        self.shortNames = shortNames
        self.categories = categories
        self.schema = schema
        self.printerColumns = printerColumns
        self.selectableFields = selectableFields
        self.hasStatusSubresource = hasStatusSubresource
    }

    /// The served storage version of `crd`.
    public init(crd: CustomResourceDefinition) {
        let version = crd.spec.versions.first { $0.storage } ?? crd.spec.versions[0]
        self.init(
            type: ResourceType(
                group: crd.spec.group, version: version.name, kind: crd.spec.names.kind,
                plural: crd.spec.names.plural, namespaced: crd.spec.scope == "Namespaced"),
            singular: crd.spec.names.singular, listKind: crd.spec.names.listKind,
            shortNames: crd.spec.names.shortNames ?? [], categories: crd.spec.names.categories ?? [],
            schema: version.schema.openAPIV3Schema, printerColumns: version.additionalPrinterColumns ?? [],
            selectableFields: (version.selectableFields ?? []).map { String($0.jsonPath.drop { $0 == "." }) },
            hasStatusSubresource: version.subresources?.status != nil)
    }

    /// `Dataset.edgeai.io`, as kube-apiserver names the kind in Invalid messages.
    public var qualifiedKind: String { type.group.isEmpty ? type.kind : "\(type.kind).\(type.group)" }
}

/// The edgeai kinds.
public enum EdgeAIResources {
    public static let dataset = ResourceDefinition(crd: EdgeAICRDs.dataset)
    public static let model = ResourceDefinition(crd: EdgeAICRDs.model)
    public static let edgeNode = ResourceDefinition(crd: EdgeAICRDs.edgeNode)
    public static var all: [ResourceDefinition] { [dataset, model, edgeNode] }
}
