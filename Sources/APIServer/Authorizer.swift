public import EdgeAIPKI

/// Who may do what: a pure function of identity, verb, resource and namespace.
///
/// - `system:masters` may do everything.
/// - The cloud controller (user ``cloudControllerUser`` or group ``controllersGroup``) may read
///   datasets, models and namespaces, write only the status of datasets and models, create
///   EdgeNodes and write their status, and manage events and leases.
/// - Any other authenticated user may read discovery, OpenAPI and version documents only.
public enum Authorizer {
    public static let cloudControllerUser = "edgeai:cloud"
    public static let controllersGroup = "edgeai:controllers"

    /// One request to authorize. `subresource` is e.g. `status`; `group` "" is the core group.
    public struct Attributes: Sendable, Hashable {
        public var verb: String
        public var group: String
        public var resource: String
        public var subresource: String?
        public var namespace: String?

        public init(verb: String, group: String, resource: String, subresource: String? = nil, namespace: String? = nil) {
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
            self.namespace = namespace
        }
    }

    static let readVerbs: Set<String> = ["get", "list", "watch"]

    public static func isAllowed(_ user: UserInfo, _ request: Attributes) -> Bool {
        if user.groups.contains("system:masters") { return true }
        let controller = user.name == cloudControllerUser || user.groups.contains(controllersGroup)
        guard controller else { return false }
        switch (request.group, request.resource) {
        case ("edgeai.io", "datasets"), ("edgeai.io", "models"):
            if request.subresource == "status" { return readVerbs.contains(request.verb) || request.verb == "patch" || request.verb == "update" }
            return readVerbs.contains(request.verb)
        case ("edgeai.io", "edgenodes"):
            if request.subresource == "status" { return readVerbs.contains(request.verb) || request.verb == "patch" }
            return readVerbs.contains(request.verb) || request.verb == "create"
        case ("", "namespaces"):
            return readVerbs.contains(request.verb)
        case ("", "events"), ("coordination.k8s.io", "leases"):
            return true
        default:
            return false
        }
    }
}
