package import DatasetScan
package import EdgeAIAPI

/// What the agent saw when it last looked at a dataset: a count, or why there is none.
package enum DatasetObservation: Equatable, Sendable {
    case scanned(ScanResult)
    /// The location was refused (`NotAllowed`); the data was not opened.
    case refused(LocationError)
    case failed(ScanError)
    /// A remote dataset was counted (or found unchanged since its last count).
    case remoteCounted(RemoteCount)
    /// A remote dataset could not be counted.
    case remoteFailed(RemoteFailure)

    /// The `Ready` condition's reason when the dataset is not ready; `nil` when it is.
    package var failureReason: String? {
        switch self {
        case .scanned: nil
        case .refused(let error): error.reason
        case .failed(let error): error.reason
        case .remoteCounted: nil
        case .remoteFailed(let failure): failure.reason
        }
    }

    /// The status this observation reports, looked at `now`, for the spec at `generation`.
    ///
    /// Pure. Zero samples is reported as `0`. A missing file reports `0` samples and no size;
    /// other failures report no count (it is unknown) and say why in the `Ready` condition
    /// (NotFound, PermissionDenied, NotAllowed, UnsupportedFormat, ParseError with the byte
    /// offset, IOError). `previous` keeps the condition's `lastTransitionTime` while its status
    /// does not change.
    package func status(generation: Int64?, now: Time, previous: DatasetStatus?) -> DatasetStatus {
        var conditions = previous?.conditions ?? []
        var status = DatasetStatus(updateTime: now, observedGeneration: generation)
        let ready: Condition
        switch self {
        case .scanned(let result):
            status.numberOfSamples = Int64(result.numberOfSamples)
            status.sizeBytes = Int64(result.sizeBytes)
            ready = Condition(
                type: "Ready", status: "True", reason: "Counted",
                message: "\(result.numberOfSamples) samples in \(result.sizeBytes) bytes", observedGeneration: generation)
        case .refused(let error):
            ready = Condition(type: "Ready", status: "False", reason: error.reason, message: error.message, observedGeneration: generation)
        case .failed(let error):
            if case .notFound = error.kind { status.numberOfSamples = 0 }
            ready = Condition(
                type: "Ready", status: "False", reason: error.reason, message: error.description, observedGeneration: generation)
        case .remoteCounted(let count):
            status.numberOfSamples = Int64(count.samples)
            status.sizeBytes = count.bytes
            status.source = count.source
            status.version = count.version
            ready = Condition(
                type: "Ready", status: "True", reason: "Counted",
                message: "\(count.samples) samples in \(count.bytes) bytes", observedGeneration: generation)
        case .remoteFailed(let failure):
            status.source = failure.source
            if failure.reason == "NotFound" { status.numberOfSamples = 0 }
            ready = Condition(
                type: "Ready", status: "False", reason: failure.reason, message: failure.message, observedGeneration: generation)
        }
        conditions.set(ready, now: now)
        status.conditions = conditions
        return status
    }
}

extension DatasetStatus {
    /// Whether `other` says something different, ignoring when it was looked at
    /// (`updateTime` and the conditions' `lastTransitionTime`): what decides that a report is due.
    package func differsInSubstance(from other: DatasetStatus?) -> Bool {
        guard let other else { return true }
        return substance != other.substance
    }

    private var substance: DatasetStatus {
        var copy = self
        copy.updateTime = nil
        copy.conditions = conditions?.map { condition in
            var condition = condition
            condition.lastTransitionTime = nil
            return condition
        }
        return copy
    }
}
