public import EdgeAIAPI

/// Which nodes a Model is for: `spec.nodeNames` and `spec.nodeSelector` (EdgeNode labels). A
/// node must match each one given. Pure.
public struct ModelPlacement: Hashable, Sendable, CustomStringConvertible {
    public var nodeNames: Set<String>?
    public var nodeSelector: [String: String]?

    /// nil when the spec places the model everywhere (neither field set).
    public init?(_ spec: ModelSpec) {
        guard spec.nodeNames != nil || spec.nodeSelector != nil else { return nil }
        self.nodeNames = spec.nodeNames.map(Set.init)
        self.nodeSelector = spec.nodeSelector
    }

    public func matches(_ node: String, labels: [String: String]) -> Bool {
        if let nodeNames, !nodeNames.contains(node) { return false }
        if let nodeSelector, !nodeSelector.allSatisfy({ labels[$0.key] == $0.value }) { return false }
        return true
    }

    public var description: String {
        var parts: [String] = []
        if let nodeNames { parts.append("nodes \(nodeNames.sorted().joined(separator: ","))") }
        if let nodeSelector { parts.append("labels " + nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) }
        return parts.joined(separator: " and ")
    }
}
