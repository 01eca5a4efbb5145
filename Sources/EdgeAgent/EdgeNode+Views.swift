package import EdgeAIAPI
import EdgeSync

/// A dataset as jobs on the node see it through the local API.
package struct DatasetView: Codable, Sendable, Equatable {
    package var namespace: String
    package var name: String
    package var uid: String
    package var dataUrl: String
    package var format: String
    /// The path to open on this node (symlinks resolved, under `--root`); absent when refused.
    package var path: String?
    package var numberOfSamples: Int64?
    package var sizeBytes: Int64?
    package var updateTime: Time?
    package var ready: Bool
    package var conditions: [Condition]
}

/// A model as jobs on the node see it through the local API.
package struct ModelView: Codable, Sendable, Equatable {
    package var namespace: String
    package var name: String
    package var uid: String
    package var modelUrl: String
    package var format: String?
    /// The path to open on this node; absent when refused.
    package var path: String?
    package var present: Bool
    package var sizeBytes: Int64?
    package var message: String?
    /// A remote model's delivery (`Pending`, `Downloading`, `Ready`, `Failed`), the version
    /// ``path`` holds (it changes when a new version is switched in) and its digest.
    package var phase: String?
    package var version: String?
    package var digest: String?
    /// The metrics reported on this node, latest value per key.
    package var metrics: [ModelMetric]
}

extension EdgeNode {
    /// The datasets held, sorted by namespace and name.
    package func datasets() -> [DatasetView] {
        held.keys.filter { $0.kind == .dataset }.sorted().compactMap(datasetView)
    }

    package func dataset(namespace: String, name: String) -> DatasetView? {
        datasetView(SyncKey(kind: .dataset, namespace: namespace, name: name))
    }

    /// The models held, sorted by namespace and name.
    package func models() -> [ModelView] {
        held.keys.filter { $0.kind == .model }.sorted().compactMap(modelView)
    }

    package func model(namespace: String, name: String) -> ModelView? {
        modelView(SyncKey(kind: .model, namespace: namespace, name: name))
    }

    private func datasetView(_ key: SyncKey) -> DatasetView? {
        guard let entry = held[key], case .dataset(let dataset) = entry.object else { return nil }
        let status = entry.status ?? entry.local.reportedStatus
        let conditions = status?.conditions ?? []
        return DatasetView(
            namespace: key.namespace, name: key.name, uid: entry.object.uid, dataUrl: dataset.spec.dataUrl,
            format: dataset.spec.format, path: entry.path, numberOfSamples: status?.numberOfSamples,
            sizeBytes: status?.sizeBytes, updateTime: status?.updateTime,
            ready: conditions[type: "Ready"]?.status == "True", conditions: conditions)
    }

    private func modelView(_ key: SyncKey) -> ModelView? {
        guard let entry = held[key], case .model(let model) = entry.object else { return nil }
        let node = entry.local.reportedModelNode
        return ModelView(
            namespace: key.namespace, name: key.name, uid: entry.object.uid, modelUrl: model.spec.modelUrl,
            format: model.spec.format, path: entry.path, present: node?.present ?? false, sizeBytes: node?.sizeBytes,
            message: node?.message, phase: node?.phase, version: delivered[key]?.version, digest: node?.digest,
            metrics: entry.local.metrics ?? [])
    }
}
