import EdgeAIAPI
import JSON

/// The kinds the CLI manages, and the names users type for them (kubectl's resource arguments).
///
/// Pure: resolution never contacts the server, so a typo is reported before any request.
struct ResourceKind: Sendable, Hashable {
    let type: ResourceType
    let singular: String
    let shortNames: [String]

    static let dataset = ResourceKind(type: Dataset.resourceType, singular: "dataset", shortNames: ["dset"])
    static let model = ResourceKind(type: Model.resourceType, singular: "model", shortNames: ["mdl"])
    /// Cluster-scoped; `edgeai get nodes` as `kubectl get nodes` reads.
    static let edgeNode = ResourceKind(type: EdgeNode.resourceType, singular: "edgenode", shortNames: ["enode", "nodes", "node"])
    static let all = [dataset, model, edgeNode]

    /// `dataset.edgeai.io`: how kubectl names an object's kind in `-o name` and in messages.
    var qualifiedSingular: String { "\(singular).\(type.group)" }

    /// `dataset.edgeai.io/NAME`.
    func objectName(_ name: String) -> String { "\(qualifiedSingular)/\(name)" }

    struct UnknownResource: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "the server doesn't have a resource type \"\(name)\" (edgeai knows: datasets (dataset, dset), models (model, mdl), edgenodes (edgenode, enode, nodes))"
        }
    }

    /// The kind for `datasets`, `dataset`, `dset`, `datasets.edgeai.io`, `Dataset` and the like.
    static func resolve(_ argument: String) throws(UnknownResource) -> ResourceKind {
        let lowered = argument.lowercased()
        let name = lowered.hasSuffix(".\(EdgeAIGroup.name)") ? String(lowered.dropLast(EdgeAIGroup.name.count + 1)) : lowered
        for kind in all where [kind.type.plural, kind.singular, kind.type.kind.lowercased()].contains(name) || kind.shortNames.contains(name) {
            return kind
        }
        throw UnknownResource(name: argument)
    }

    /// The kind of a manifest's object from its `apiVersion` and `kind`.
    static func forObject(_ object: JSONValue) throws(CLIError) -> ResourceKind {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        if apiVersion.isEmpty { throw CLIError("apiVersion not set") }
        if kind.isEmpty { throw CLIError("kind not set") }
        for candidate in all where candidate.type.kind == kind && candidate.type.apiVersion == apiVersion {
            return candidate
        }
        throw CLIError("no matches for kind \"\(kind)\" in version \"\(apiVersion)\" (edgeai manages Dataset and Model in \(EdgeAIGroup.apiVersion))")
    }

    /// Splits `dataset/NAME` (kubectl's TYPE/NAME form) into kind and name.
    static func splitSlash(_ argument: String) throws(UnknownResource) -> (ResourceKind, String)? {
        guard let slash = argument.firstIndex(of: "/") else { return nil }
        let kind = try resolve(String(argument[..<slash]))
        return (kind, String(argument[argument.index(after: slash)...]))
    }
}
