package import EdgeAIPKI

/// Who may do what: a pure function of identity and request, written as RBAC-shaped rules so
/// that ``isAllowed(_:_:)`` and `SelfSubjectRulesReview` read the same grants.
///
/// - Every authenticated user may create the self reviews and read discovery, OpenAPI, version
///   and health documents (kube-apiserver's `system:basic-user`, `system:discovery` and
///   `system:public-info-viewer` roles).
/// - `system:masters` may do everything.
/// - The cloud controller (user ``cloudControllerUser`` or group ``controllersGroup``) may read
///   datasets, models and namespaces, write only the status of datasets and models, create
///   EdgeNodes and write their status, and manage events and leases.
/// - Nobody else gets more than the first item.
package enum Authorizer {
    package static let cloudControllerUser = "edgeai:cloud"
    package static let controllersGroup = "edgeai:controllers"
    package static let mastersGroup = "system:masters"

    /// One request to authorize. `subresource` is e.g. `status`; `group` "" is the core group.
    package struct Attributes: Sendable, Hashable {
        package var verb: String
        package var group: String
        package var resource: String
        package var subresource: String?
        package var namespace: String?
        package var name: String?

        package init(
            verb: String, group: String, resource: String, subresource: String? = nil, namespace: String? = nil, name: String? = nil
        ) {
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
            self.namespace = namespace
            self.name = name
        }
    }

    /// The grants of one identity, in the order `SelfSubjectRulesReview` lists them.
    package struct Rules: Sendable, Hashable {
        package var resourceRules: [ResourceRule]
        package var nonResourceRules: [NonResourceRule]
    }

    package static func isAllowed(_ user: UserInfo, _ request: Attributes) -> Bool {
        if isNodeReadingSecrets(user, request) { return false }
        if basic.resourceRules.contains(where: { $0.matches(request) }) { return true }
        return grants(of: user).contains { $0.resourceRules.contains { $0.matches(request) } }
    }

    /// For a non-resource URL such as `/metrics` (verbs are the lower-cased HTTP method).
    package static func isAllowed(_ user: UserInfo, path: String, verb: String) -> Bool {
        if basic.nonResourceRules.contains(where: { $0.matches(path: path, verb: verb) }) { return true }
        return grants(of: user).contains { $0.nonResourceRules.contains { $0.matches(path: path, verb: verb) } }
    }

    /// Everything `user` may do, the shared grants first.
    package static func rules(for user: UserInfo) -> Rules {
        grants(of: user).reduce(into: basic) { all, more in
            all.resourceRules += more.resourceRules
            all.nonResourceRules += more.nonResourceRules
        }
    }

    private static func grants(of user: UserInfo) -> [Rules] {
        var result: [Rules] = []
        if user.groups.contains(mastersGroup) { result.append(masters) }
        if user.name == cloudControllerUser || user.groups.contains(controllersGroup) { result.append(controller) }
        return result
    }

    static let readVerbs = ["get", "list", "watch"]

    static let basic = Rules(
        resourceRules: [
            ResourceRule(verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            ResourceRule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
        ],
        nonResourceRules: [
            NonResourceRule(
                verbs: ["get"],
                nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]),
            NonResourceRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"]),
        ])

    static let masters = Rules(
        resourceRules: [ResourceRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])],
        nonResourceRules: [NonResourceRule(verbs: ["*"], nonResourceURLs: ["*"])])

    static let controller = Rules(
        resourceRules: [
            ResourceRule(verbs: readVerbs, apiGroups: ["edgeai.io"], resources: ["datasets", "models"]),
            ResourceRule(verbs: readVerbs + ["patch", "update"], apiGroups: ["edgeai.io"], resources: ["datasets/status", "models/status"]),
            ResourceRule(verbs: readVerbs + ["create"], apiGroups: ["edgeai.io"], resources: ["edgenodes"]),
            ResourceRule(verbs: readVerbs + ["patch"], apiGroups: ["edgeai.io"], resources: ["edgenodes/status"]),
            ResourceRule(verbs: readVerbs, apiGroups: [""], resources: ["namespaces", "secrets"]),
            ResourceRule(verbs: ["*"], apiGroups: [""], resources: ["events"]),
            ResourceRule(verbs: ["*"], apiGroups: ["coordination.k8s.io"], resources: ["leases"]),
        ],
        nonResourceRules: [])
}
