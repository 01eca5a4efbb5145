import EdgeAIPKI

/// Secrets and who reads them:
/// - `system:masters` may do everything with them;
/// - the cloud controller (``Authorizer/cloudControllerUser`` or ``Authorizer/controllersGroup``)
///   may get, list and watch them, never write them: it hands a `credentialName`'s credentials
///   to the nodes that need them over the hub;
/// - a node identity (`system:node:<name>`, group `system:nodes`, as kube names kubelets) never
///   touches one, whatever other groups it holds. (A node's hub token is no API credential at
///   all: it authenticates to the hub only.)
extension Authorizer {
    /// Whether `request` is a node identity's request on Secrets: refused before any grant.
    static func isNodeReadingSecrets(_ user: UserInfo, _ request: Attributes) -> Bool {
        request.group.isEmpty && request.resource == "secrets" && isNode(user)
    }

    static func isNode(_ user: UserInfo) -> Bool {
        user.name.hasPrefix("system:node:") || user.groups.contains("system:nodes")
    }
}
