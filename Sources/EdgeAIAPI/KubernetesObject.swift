/// A kind of API object: where it is served and what it is called.
public struct ResourceType: Sendable, Hashable {
    /// API group; "" for the core group.
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var namespaced: Bool

    public init(group: String, version: String, kind: String, plural: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
    }

    /// `edgeai.io/v1alpha1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `datasets.edgeai.io`, as kube-apiserver names the resource in messages.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The collection path, e.g. `/apis/edgeai.io/v1alpha1/namespaces/NS/datasets`.
    public func path(namespace: String?, name: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(plural)"
        if let name { path += "/\(name)" }
        return path
    }
}

/// A typed Kubernetes object with standard metadata.
public protocol KubernetesObject: Codable, Sendable, Hashable {
    static var resourceType: ResourceType { get }
    var apiVersion: String { get set }
    var kind: String { get set }
    var metadata: ObjectMeta { get set }
}

extension KubernetesObject {
    public var name: String { metadata.name ?? "" }
    public var namespace: String { metadata.namespace ?? "" }
    /// `namespace/name`, the key controllers work on.
    public var key: ObjectKeyName { ObjectKeyName(namespace: metadata.namespace ?? "", name: metadata.name ?? "") }
}

/// A namespaced name: the only thing a reconcile request carries.
public struct ObjectKeyName: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    public static func < (lhs: ObjectKeyName, rhs: ObjectKeyName) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// A list of typed objects (e.g. DatasetList).
public struct ObjectList<Item: KubernetesObject>: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var metadata: ListMeta
    public var items: [Item]

    public init(items: [Item], metadata: ListMeta = ListMeta()) {
        self.apiVersion = Item.resourceType.apiVersion
        self.kind = Item.resourceType.kind + "List"
        self.metadata = metadata
        self.items = items
    }
}

/// One event of a watch stream. `type` is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR; for
/// ERROR the object is a ``APIStatus``.
public struct WatchEvent<Object: Codable & Sendable>: Codable, Sendable {
    public var type: String
    public var object: Object

    public init(type: String, object: Object) {
        self.type = type
        self.object = object
    }
}
