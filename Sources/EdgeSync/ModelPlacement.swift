package import EdgeAIAPI

/// Which nodes a Model is for: `spec.nodeNames` and `spec.nodeSelector` (EdgeNode labels). A
/// node must match each one given. Pure.
package struct ModelPlacement: Hashable, Sendable, CustomStringConvertible {
    package var nodeNames: Set<String>?
    package var nodeSelector: [String: String]?

    /// nil when the spec places the model everywhere (neither field set).
    package init?(_ spec: ModelSpec) {
        guard spec.nodeNames != nil || spec.nodeSelector != nil else { return nil }
        self.nodeNames = spec.nodeNames.map(Set.init)
        self.nodeSelector = spec.nodeSelector
    }

    package func matches(_ node: String, labels: [String: String]) -> Bool {
        if let nodeNames, !nodeNames.contains(node) { return false }
        if let nodeSelector, !nodeSelector.allSatisfy({ labels[$0.key] == $0.value }) { return false }
        return true
    }

    package var description: String {
        var parts: [String] = []
        if let nodeNames { parts.append("nodes \(nodeNames.sorted().joined(separator: ","))") }
        if let nodeSelector { parts.append("labels " + nodeSelector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) }
        return parts.joined(separator: " and ")
    }
}
