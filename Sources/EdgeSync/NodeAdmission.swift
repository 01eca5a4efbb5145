package import EdgeAIAPI

/// Whether a node with a verified token may connect, from its EdgeNode. Pure.
///
/// - A token with a generation (`edgeai node add`) is accepted only while the node's EdgeNode
///   exists, is not being deleted, and carries that `spec.tokenGeneration`: deleting the
///   EdgeNode, re-adding the node (a new generation) or `edgeai node revoke` refuse it.
/// - A token without one (issued before generations: `edgeai token`, `edgeai up`, older
///   `node add`) is generation 0: accepted while the EdgeNode has no `spec.tokenGeneration`
///   (or 0). With no EdgeNode at all it is accepted, and the hub creates the EdgeNode on this
///   first connect, only while ``Policy/adoptsLegacyNodes`` is on (the default, so fleets
///   provisioned before keep working). A revoked legacy node must therefore be revoked by
///   generation (`edgeai node revoke` keeps the EdgeNode with a new generation), or adoption
///   turned off: deleting its EdgeNode alone would let it re-create itself on reconnect.
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
