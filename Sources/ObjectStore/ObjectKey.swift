/// The identity of a stored object: its resource, namespace and name.
///
/// Keys order by `(resource, namespace, name)`, which is the order lists and continue tokens use.
/// `namespace` is `""` for cluster-scoped objects. The store does not validate names beyond
/// rejecting an empty `resource` or `name`; the API server owns Kubernetes naming rules.
package struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The resource, e.g. `"edgeai.io/datasets"` or `"namespaces"`.
    package var resource: String
    /// The namespace, or `""` for cluster-scoped objects.
    package var namespace: String
    /// The object's name, unique within `(resource, namespace)`.
    package var name: String

    package init(resource: String, namespace: String = "", name: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    package static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        if lhs.resource != rhs.resource { return lhs.resource < rhs.resource }
        if lhs.namespace != rhs.namespace { return lhs.namespace < rhs.namespace }
        return lhs.name < rhs.name
    }

    package var description: String {
        namespace.isEmpty ? "\(resource)/\(name)" : "\(resource)/\(namespace)/\(name)"
    }
}
