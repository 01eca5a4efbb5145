import EdgeAIAPI
import EdgeHub
package import EdgeSync
import JSON
package import KubeClient

/// Performs the hub's EdgeNode status writes: a JSON patch setting `/status` (the hub owns all
/// of it; labels and the rest of metadata stay the operator's), creating the EdgeNode first when
/// the write is for a connected node that has none (its first connect).
///
/// Outcomes: 2xx → `applied`; 404 for a write that may not create → `missing`; everything else
/// → `failed` (the ledger retries). Never throws.
package struct EdgeNodeWriter: NodeStatusWriting {
    package let client: KubeClient

    package init(client: KubeClient) {
        self.client = client
    }

    package func write(_ write: NodeStatusWrite) async -> NodeStatusWriteOutcome {
        do {
            let patch: JSONValue = [["op": "add", "path": "/status", "value": try KubeJSON.value(write.status)]]
            do {
                _ = try await client.patch(EdgeNode.self, name: write.node, patch, type: .json, subresource: "status")
                return .applied
            } catch let error as KubeError where error.isNotFound {
                guard write.createIfMissing else { return .missing }
                do {
                    _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: write.node)))
                } catch let error as KubeError where error.isAlreadyExists {
                    // Created meanwhile (`edgeai node add`): write its status all the same.
                }
                _ = try await client.patch(EdgeNode.self, name: write.node, patch, type: .json, subresource: "status")
                return .applied
            }
        } catch {
            return .failed(reason: "\(error)")
        }
    }
}
