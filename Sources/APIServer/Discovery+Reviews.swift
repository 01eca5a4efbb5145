import JSON

/// The review groups in discovery (`authentication.k8s.io/v1`, `authorization.k8s.io/v1`): their
/// resources are ``SelfReview/endpoints``, `create` only, not in the registry because nothing
/// of them is stored.
extension Discovery {
    /// The registry's groups, then the review groups.
    var servedGroups: [(name: String, versions: [String])] {
        var groups = registry.groups
        for e in SelfReview.endpoints {
            if let i = groups.firstIndex(where: { $0.name == e.group }) {
                if !groups[i].versions.contains(e.version) { groups[i].versions.append(e.version) }
            } else {
                groups.append((e.group, [e.version]))
            }
        }
        return groups
    }

    /// `APIResourceList` entries.
    func reviewResources(group: String, version: String) -> [JSONValue] {
        SelfReview.endpoints.filter { $0.group == group && $0.version == version }.map { e in
            ["name": .string(e.plural), "singularName": .string(e.singular), "namespaced": false, "kind": .string(e.kind), "verbs": ["create"]]
        }
    }

    /// Aggregated discovery (`apidiscovery.k8s.io/v2`) entries.
    func aggregatedReviewResources(group: String, version: String) -> [JSONValue] {
        SelfReview.endpoints.filter { $0.group == group && $0.version == version }.map { e in
            [
                "resource": .string(e.plural), "responseKind": ["group": "", "version": "", "kind": .string(e.kind)],
                "scope": "Cluster", "singularResource": .string(e.singular), "verbs": ["create"],
            ]
        }
    }
}
