import EdgeAIAPI

/// The kinds the server serves, looked up by URL segments. Adding a kind is adding a
/// ``ResourceDefinition`` here (or passing one to ``init(definitions:)``): handlers are generic.
struct ResourceRegistry: Sendable {
    /// Every definition, in discovery order.
    let definitions: [ResourceDefinition]
    private let byPath: [String: ResourceDefinition]

    init(definitions: [ResourceDefinition]) {
        self.definitions = definitions
        var map: [String: ResourceDefinition] = [:]
        for d in definitions { map[Self.pathKey(group: d.type.group, version: d.type.version, plural: d.type.plural)] = d }
        byPath = map
    }

    /// The edgeai kinds plus the built-in kinds the edgeai controllers use.
    static let standard = ResourceRegistry(definitions: EdgeAIResources.all + BuiltinResources.all)

    func lookup(group: String, version: String, plural: String) -> ResourceDefinition? {
        byPath[Self.pathKey(group: group, version: version, plural: plural)]
    }

    /// Group names in discovery order, each with its versions.
    var groups: [(name: String, versions: [String])] {
        var result: [(String, [String])] = []
        for d in definitions where !d.type.group.isEmpty {
            if let i = result.firstIndex(where: { $0.0 == d.type.group }) {
                if !result[i].1.contains(d.type.version) { result[i].1.append(d.type.version) }
            } else {
                result.append((d.type.group, [d.type.version]))
            }
        }
        return result
    }

    func resources(group: String, version: String) -> [ResourceDefinition] {
        definitions.filter { $0.type.group == group && $0.type.version == version }
    }

    private static func pathKey(group: String, version: String, plural: String) -> String {
        "\(group)/\(version)/\(plural)"
    }
}

extension ResourceDefinition {
    /// The store's resource name: `edgeai.io/datasets`, or `namespaces` for the core group.
    var storeResource: String { type.group.isEmpty ? type.plural : "\(type.group)/\(type.plural)" }
}

/// Built-in Kubernetes kinds served without schema validation (objects are kept as sent).
enum BuiltinResources {
    static var all: [ResourceDefinition] { [namespaces, events, leases, secrets] }

    static let namespaces = ResourceDefinition(
        type: ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false),
        singular: "namespace", listKind: "NamespaceList", shortNames: ["ns"],
        printerColumns: [
            .column("Status", type: "string", description: "The status of the namespace", jsonPath: ".status.phase"),
            age,
        ],
        selectableFields: ["status.phase"],
        hasStatusSubresource: true)

    static let events = ResourceDefinition(
        type: ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true),
        singular: "event", listKind: "EventList", shortNames: ["ev"],
        printerColumns: [
            .column("Type", type: "string", description: "Type of this event", jsonPath: ".type"),
            .column("Reason", type: "string", description: "Short, machine understandable reason", jsonPath: ".reason"),
            .column("Object", type: "string", description: "The object this event is about", jsonPath: ".involvedObject.name"),
            .column("Message", type: "string", description: "A human-readable description", jsonPath: ".message"),
            age,
        ],
        selectableFields: [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ])

    static let leases = ResourceDefinition(
        type: ResourceType(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true),
        singular: "lease", listKind: "LeaseList",
        printerColumns: [
            .column("Holder", type: "string", description: "The holder of the lease", jsonPath: ".spec.holderIdentity"),
            age,
        ])

    /// Validated and normalized by ``SecretStrategy``, stored encrypted; the table shows only the
    /// number of keys (`DATA`), as kube-apiserver's does.
    static let secrets = ResourceDefinition(
        type: ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true),
        singular: "secret", listKind: "SecretList",
        printerColumns: [
            .column("Type", type: "string", description: "Used to facilitate programmatic handling of secret data.", jsonPath: ".type"),
            .column("Data", type: "integer", description: "The number of keys in data (never the values).", jsonPath: ".data"),
            age,
        ],
        selectableFields: ["type"])

    private static let age = CustomResourceDefinition.PrinterColumn.column(
        "Age", type: "date", description: "Time since the object was created", jsonPath: ".metadata.creationTimestamp")

    /// Namespaces that exist from the first start, as in a new cluster.
    static let initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]
}
