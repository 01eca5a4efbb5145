import JSON

/// One grant on API resources, matched as RBAC matches a `PolicyRule`: `*` in `verbs`,
/// `apiGroups` or `resources` matches anything; a resource is `plural` or `plural/subresource`
/// (`*/subresource` matches that subresource of every kind); empty `resourceNames` matches
/// every name. Pure data.
package struct ResourceRule: Sendable, Hashable {
    package var verbs: [String]
    package var apiGroups: [String]
    package var resources: [String]
    package var resourceNames: [String]

    package init(verbs: [String], apiGroups: [String], resources: [String], resourceNames: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
    }

    /// Whether this rule grants `attributes` (the namespace is not consulted: every rule here is
    /// cluster-wide, as a ClusterRoleBinding's).
    package func matches(_ attributes: Authorizer.Attributes) -> Bool {
        guard verbs.contains("*") || verbs.contains(attributes.verb) else { return false }
        guard apiGroups.contains("*") || apiGroups.contains(attributes.group) else { return false }
        let combined = attributes.subresource.map { "\(attributes.resource)/\($0)" } ?? attributes.resource
        let resourceMatches = resources.contains { rule in
            if rule == "*" || rule == combined { return true }
            if let sub = attributes.subresource, rule == "*/\(sub)" { return true }
            return false
        }
        guard resourceMatches else { return false }
        guard !resourceNames.isEmpty else { return true }
        return attributes.name.map { resourceNames.contains($0) } ?? false
    }

    /// As `SelfSubjectRulesReview` renders it (`resourceNames` only when set).
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "verbs": .array(verbs.map(JSONValue.string)), "apiGroups": .array(apiGroups.map(JSONValue.string)),
            "resources": .array(resources.map(JSONValue.string)),
        ]
        if !resourceNames.isEmpty { object["resourceNames"] = .array(resourceNames.map(JSONValue.string)) }
        return .object(object)
    }
}

/// One grant on non-resource URLs (`/version`, `/metrics`), matched as RBAC does: `*` matches any
/// path, a pattern ending in `*` matches that prefix, anything else matches exactly.
package struct NonResourceRule: Sendable, Hashable {
    package var verbs: [String]
    package var nonResourceURLs: [String]

    package init(verbs: [String], nonResourceURLs: [String]) {
        self.verbs = verbs
        self.nonResourceURLs = nonResourceURLs
    }

    package func matches(path: String, verb: String) -> Bool {
        guard verbs.contains("*") || verbs.contains(verb) else { return false }
        return nonResourceURLs.contains { url in
            if url == "*" || url == path { return true }
            return url.hasSuffix("*") && path.hasPrefix(url.dropLast())
        }
    }

    var json: JSONValue {
        ["verbs": .array(verbs.map(JSONValue.string)), "nonResourceURLs": .array(nonResourceURLs.map(JSONValue.string))]
    }
}
