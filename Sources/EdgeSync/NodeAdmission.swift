package import EdgeAIAPI

/// Whether a node with a verified token may connect, from its EdgeNode. Pure.
///
/// The EdgeNode is the node's registration, as a ServiceAccount is a pod's: deleting it ends
/// the node's access for every token it was ever given, and nothing but an operator's command
/// (`edgeai node add`, `edgeai up` for its own agent) brings it back.
/// - A token with a generation (every token `edgeai node add`, `edgeai token create` and
///   `edgeai up` issue) is accepted only while the node's EdgeNode exists, is not being deleted,
///   and carries that `spec.tokenGeneration`: deleting the EdgeNode, re-adding the node (a new
///   generation) or `edgeai node revoke` refuse it.
/// - A token without one (issued before generations) is generation 0: accepted while the
///   EdgeNode has no `spec.tokenGeneration` (or 0). With no EdgeNode at all it is refused,
///   unless `adoptsLegacyNodes` is on (opt-in, `--adopt-legacy-nodes`, for a fleet provisioned
///   before generations): then the node is admitted and the hub creates its EdgeNode on this
///   connect. That opt-in is the one case where deleting an EdgeNode does not end a node's
///   access (it re-creates itself on reconnect); `edgeai node revoke` (a new generation, the
///   EdgeNode kept) revokes such a node in either mode.
package enum NodeAdmission {
    package enum Decision: Hashable, Sendable {
        case admit
        case refuse(reason: String)
    }

    package static func decide(node: String, generation: UInt64?, edgeNode: EdgeNode?, adoptsLegacyNodes: Bool) -> Decision {
        guard let presented = Int64(exactly: generation ?? 0) else { return .refuse(reason: "node \(node) presented a token of an impossible generation") }
        guard let edgeNode else {
            if generation == nil, adoptsLegacyNodes { return .admit }
            return .refuse(reason: "node \(node) has no EdgeNode (deleted, or never added with `edgeai node add`)")
        }
        if edgeNode.metadata.deletionTimestamp != nil { return .refuse(reason: "the EdgeNode of node \(node) is being deleted") }
        let current = edgeNode.spec.tokenGeneration ?? 0
        guard presented == current else {
            return .refuse(reason: "node \(node) presented a token of generation \(presented); its EdgeNode accepts generation \(current) only")
        }
        return .admit
    }
}
