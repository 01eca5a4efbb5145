import EdgeAIAPI
import JSON

/// Discovery documents (`/api`, `/apis`, groups, group versions, aggregated discovery v2) built
/// from the registry once. Pure data.
struct Discovery: Sendable {
    let registry: ResourceRegistry

    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    static let resourceVerbs: [JSONValue] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    func apiVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    func groupList() -> JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(servedGroups.map { group($0.name, $0.versions) })]
    }

    func group(named name: String) -> JSONValue? {
        guard let g = servedGroups.first(where: { $0.name == name }) else { return nil }
        var doc = group(g.name, g.versions)
        doc["kind"] = "APIGroup"
        doc["apiVersion"] = "v1"
        return doc
    }

    private func group(_ name: String, _ versions: [String]) -> JSONValue {
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(entries), "preferredVersion": entries.first ?? .null]
    }

    func resourceList(group: String, version: String) -> JSONValue? {
        let defs = registry.resources(group: group, version: version)
        var resources = reviewResources(group: group, version: version)
        guard !defs.isEmpty || !resources.isEmpty else { return nil }
        for d in defs {
            var r: [String: JSONValue] = [
                "name": .string(d.type.plural), "singularName": .string(d.singular), "namespaced": .bool(d.type.namespaced),
                "kind": .string(d.type.kind), "verbs": .array(Self.resourceVerbs),
            ]
            if !d.shortNames.isEmpty { r["shortNames"] = .array(d.shortNames.map(JSONValue.string)) }
            if !d.categories.isEmpty { r["categories"] = .array(d.categories.map(JSONValue.string)) }
            resources.append(.object(r))
            if d.hasStatusSubresource {
                resources.append([
                    "name": .string("\(d.type.plural)/status"), "singularName": "", "namespaced": .bool(d.type.namespaced),
                    "kind": .string(d.type.kind), "verbs": ["get", "patch", "update"],
                ])
            }
        }
        let gv = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(gv), "resources": .array(resources)]
    }

    /// Aggregated discovery for `/api` (core) or `/apis` (every named group).
    func aggregated(core: Bool) -> JSONValue {
        var items: [JSONValue] = []
        if core {
            items.append(aggregatedGroup(name: nil, versions: ["v1"], group: ""))
        } else {
            for g in servedGroups { items.append(aggregatedGroup(name: g.name, versions: g.versions, group: g.name)) }
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": .object([:]), "items": .array(items)]
    }

    private func aggregatedGroup(name: String?, versions: [String], group: String) -> JSONValue {
        var versionDocs: [JSONValue] = []
        for version in versions {
            var resources = aggregatedReviewResources(group: group, version: version)
            for d in registry.resources(group: group, version: version) {
                let responseKind: JSONValue = ["group": "", "version": "", "kind": .string(d.type.kind)]
                var r: [String: JSONValue] = [
                    "resource": .string(d.type.plural), "responseKind": responseKind,
                    "scope": d.type.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(d.singular),
                    "verbs": .array(Self.resourceVerbs),
                ]
                if !d.shortNames.isEmpty { r["shortNames"] = .array(d.shortNames.map(JSONValue.string)) }
                if !d.categories.isEmpty { r["categories"] = .array(d.categories.map(JSONValue.string)) }
                if d.hasStatusSubresource {
                    r["subresources"] = [["subresource": "status", "responseKind": responseKind, "verbs": ["get", "patch", "update"]]]
                }
                resources.append(.object(r))
            }
            versionDocs.append(["version": .string(version), "resources": .array(resources), "freshness": "Current"])
        }
        let metadata: JSONValue = name.map { ["name": .string($0)] } ?? .object([:])
        return ["metadata": metadata, "versions": .array(versionDocs)]
    }

    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-edgeai", "gitCommit": "", "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z", "goVersion": "swift6", "compiler": "swiftc", "platform": "linux/amd64",
        "emulationMajor": "1", "emulationMinor": "32", "minCompatibilityMajor": "1", "minCompatibilityMinor": "31",
    ]
}
