/// The version both executables (`edgeai`, `edgeai-node`) and the agent's hello report.
package enum EdgeAIVersion {
    package static let current = "0.1.0"
}
