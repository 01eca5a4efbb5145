package import EdgeSync

/// Where the hub's EdgeNode status writes go: the cloud controller's `EdgeNodeWriter`.
///
/// - Important: `write` never throws; it classifies every failure into the outcome.
package protocol NodeStatusWriting: Sendable {
    func write(_ write: NodeStatusWrite) async -> NodeStatusWriteOutcome
}
