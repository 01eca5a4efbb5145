package import DatasetScan
package import EdgeAIAPI

/// What the agent keeps about one object besides the object itself, persisted with it so a
/// restart continues where it stopped: for a dataset the last scan (to rescan incrementally)
/// and the last status it reported; for a model the metrics jobs reported and its presence.
package struct LocalState: Codable, Sendable, Equatable {
    /// The last successful scan of the dataset's data.
    package var scan: ScanResult?
    /// The dataset status last put into the outbox.
    package var reportedStatus: DatasetStatus?
    /// The model metrics reported on this node, latest value per key, sorted by key.
    package var metrics: [ModelMetric]?
    /// The model presence last put into the outbox.
    package var reportedModelNode: ModelNodeStatus?

    package init(
        scan: ScanResult? = nil, reportedStatus: DatasetStatus? = nil, metrics: [ModelMetric]? = nil,
        reportedModelNode: ModelNodeStatus? = nil
    ) {
        self.scan = scan
        self.reportedStatus = reportedStatus
        self.metrics = metrics
        self.reportedModelNode = reportedModelNode
    }
}
