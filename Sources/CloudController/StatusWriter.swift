import EdgeAIAPI
import EdgeHub
package import EdgeSync
package import KubeClient

/// Performs the hub's ``StatusWrite``s against the API: a JSON patch to `…/status` whose first
/// operation tests the uid (``StatusPatch``), and classifies the result.
///
/// Outcomes: 2xx → `applied`; 404, 422 (uid test failed, status invalid) and other 4xx →
/// `refused` (definitive; for a Model a failed test is re-read first, and only a changed uid or a
/// missing object is definitive); 401/403, 409, 429, 5xx and network errors → `failed` (the
/// session retries with backoff). It does not retry by itself and never throws.
package struct StatusWriter: StatusWriting {
    package let client: KubeClient

    package init(client: KubeClient) {
        self.client = client
    }

    package func write(_ write: StatusWrite) async -> StatusWriteOutcome {
        switch write.status {
        case .dataset(let status):
            do {
                let patch = try StatusPatch.dataset(uid: write.ref.uid, status: status)
                _ = try await client.patch(
                    Dataset.resourceType, namespace: write.ref.namespace, name: write.ref.name, patch, type: .json, subresource: "status")
                return .applied
            } catch {
                return Self.classify(error, ref: write.ref)
            }
        case .model(let report):
            return await writeModel(write, report: report)
        }
    }

    /// Read, merge this node's report, write with uid and resourceVersion tests.
    private func writeModel(_ write: StatusWrite, report: ModelReport) async -> StatusWriteOutcome {
        let ref = write.ref
        do {
            let current = try await client.get(Model.self, namespace: ref.namespace, name: ref.name)
            guard current.metadata.uid == ref.uid else { return .refused(reason: Self.uidChanged(ref, now: current.metadata.uid)) }
            let merged = StatusPatch.merge(report, into: current.status)
            if merged == current.status { return .applied }
            let patch = try StatusPatch.model(uid: ref.uid, resourceVersion: current.metadata.resourceVersion ?? "", status: merged)
            _ = try await client.patch(Model.resourceType, namespace: ref.namespace, name: ref.name, patch, type: .json, subresource: "status")
            return .applied
        } catch let error as KubeError where error.isInvalid {
            // The uid or the resourceVersion test failed: which one decides.
            do {
                let current = try await client.get(Model.self, namespace: ref.namespace, name: ref.name)
                if current.metadata.uid != ref.uid { return .refused(reason: Self.uidChanged(ref, now: current.metadata.uid)) }
                return .failed(reason: "Model \(ref.namespace)/\(ref.name) changed during the write; retrying")
            } catch {
                return Self.classify(error, ref: ref)
            }
        } catch {
            return Self.classify(error, ref: ref)
        }
    }

    static func uidChanged(_ ref: ObjectRef, now uid: String?) -> String {
        "\(ref.kind.rawValue) \(ref.namespace)/\(ref.name) was deleted and recreated (uid \(uid ?? "none"), report for uid \(ref.uid))"
    }

    static func classify(_ error: any Error, ref: ObjectRef) -> StatusWriteOutcome {
        guard let error = error as? KubeError else { return .failed(reason: "\(error)") }
        if error.isNotFound { return .refused(reason: "\(ref.kind.rawValue) \(ref.namespace)/\(ref.name) not found") }
        if error.isInvalid {
            return .refused(reason: "\(ref.kind.rawValue) \(ref.namespace)/\(ref.name) rejected the status: \(error.message)")
        }
        switch error.code {
        case 401, 403, 408, 409, 429: return .failed(reason: error.description)
        case 400..<500: return .refused(reason: error.description)
        default: return .failed(reason: error.description)
        }
    }
}
