import EdgeAIAPI
import Foundation
import KubeClient

/// The EdgeNode side of `edgeai node add` and `node revoke`: moves a node's token generation
/// on, so that every token issued before is refused by the hub (``NodeAdmission``).
enum NodeGeneration {
    /// A generation above `previous` and above any issued before (milliseconds since 1970, so
    /// a node deleted and added again does not get its old generation back).
    static func next(after previous: Int64?) -> Int64 {
        max((previous ?? 0) + 1, Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Creates the EdgeNode of `name` or moves its generation on; returns the new generation.
    /// `createIfMissing` false: a missing EdgeNode is an error (revoking an unknown node).
    static func advance(_ kube: KubeClient, name: String, createIfMissing: Bool) async throws -> Int64 {
        for _ in 0..<5 {
            var node: EdgeNode
            do {
                node = try await kube.get(EdgeNode.self, name: name)
            } catch let error as KubeError where error.isNotFound {
                guard createIfMissing else { throw CLIError("edgenodes.edgeai.io \"\(name)\" not found") }
                let generation = next(after: nil)
                do {
                    _ = try await kube.create(EdgeNode(metadata: ObjectMeta(name: name), spec: EdgeNodeSpec(tokenGeneration: generation)))
                    return generation
                } catch let error as KubeError where error.isAlreadyExists {
                    continue
                }
            }
            let generation = next(after: node.spec.tokenGeneration)
            node.spec.tokenGeneration = generation
            do {
                _ = try await kube.update(node)
                return generation
            } catch let error as KubeError where error.isConflict {
                continue
            }
        }
        throw CLIError("EdgeNode \(name) kept changing; try again")
    }
}
