package import EdgeAIAPI

/// What an edge learnt about one object, on its way to the object's `/status`.
///
/// `uid` is the object the edge observed: the hub writes with a uid precondition, so a report
/// about a deleted-and-recreated object never lands on the new one. `reportID` is chosen by the
/// edge, unique among its pending reports; it comes back in `reportResult`.
package struct StatusReport: Hashable, Sendable {
    package var reportID: String
    package var ref: ObjectRef
    package var status: ReportedStatus

    package init(reportID: String, ref: ObjectRef, status: ReportedStatus) {
        self.reportID = reportID
        self.ref = ref
        self.status = status
    }

    package var key: SyncKey { ref.key }

    /// A report whose status does not fit its kind (a dataset status about a model, say).
    package var statusMatchesKind: Bool { status.kind == ref.kind }
}

/// The status payload: a Dataset's status, or what one node says about a Model.
package enum ReportedStatus: Hashable, Sendable {
    case dataset(DatasetStatus)
    case model(ModelReport)

    package var kind: SyncKind {
        switch self {
        case .dataset: .dataset
        case .model: .model
        }
    }
}

/// One node's report about a model: metrics jobs on the node reported (latest value per key) and
/// whether the model file is present there. The hub merges it into `Model.status`.
package struct ModelReport: Codable, Hashable, Sendable {
    package var metrics: [ModelMetric]?
    /// This node's presence entry; its `nodeName` must be the session's node.
    package var node: ModelNodeStatus?
    package var updateTime: Time?

    package init(metrics: [ModelMetric]? = nil, node: ModelNodeStatus? = nil, updateTime: Time? = nil) {
        self.metrics = metrics
        self.node = node
        self.updateTime = updateTime
    }
}

extension StatusReport: Codable {
    private enum CodingKeys: String, CodingKey { case reportID, status }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reportID = try container.decode(String.self, forKey: .reportID)
        ref = try ObjectRef(from: decoder)
        switch ref.kind {
        case .dataset: status = .dataset(try container.decode(DatasetStatus.self, forKey: .status))
        case .model: status = .model(try container.decode(ModelReport.self, forKey: .status))
        case .secret:
            throw DecodingError.dataCorruptedError(forKey: .status, in: container, debugDescription: "a Secret has no status to report")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        try ref.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reportID, forKey: .reportID)
        switch status {
        case .dataset(let status): try container.encode(status, forKey: .status)
        case .model(let report): try container.encode(report, forKey: .status)
        }
    }
}

/// The hub's final word on a report.
package enum ReportOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The status write succeeded (or a newer report for the same object, coalesced with this
    /// one, was written). The edge removes the report from its outbox.
    case applied
    /// Definitively refused (not this node's object, uid mismatch, invalid status): retrying
    /// cannot help. The edge removes the report from its outbox and logs the reason.
    case refused(reason: String)
    /// Not written now (hub overloaded or API unavailable); the edge keeps the report and sends
    /// it again later.
    case retryLater

    package var description: String {
        switch self {
        case .applied: "applied"
        case .refused(let reason): "refused (\(reason))"
        case .retryLater: "retryLater"
        }
    }

    /// Whether the edge may remove the report from its outbox.
    package var isFinal: Bool {
        if case .retryLater = self { return false }
        return true
    }
}

/// `reportResult`: the outcome of one report, by its id.
package struct ReportResult: Hashable, Sendable {
    package var reportID: String
    package var outcome: ReportOutcome

    package init(reportID: String, outcome: ReportOutcome) {
        self.reportID = reportID
        self.outcome = outcome
    }
}

extension ReportResult: Codable {
    private enum CodingKeys: String, CodingKey { case reportID, outcome, reason }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reportID = try container.decode(String.self, forKey: .reportID)
        let outcome = try container.decode(String.self, forKey: .outcome)
        switch outcome {
        case "applied": self.outcome = .applied
        case "refused": self.outcome = .refused(reason: try container.decodeIfPresent(String.self, forKey: .reason) ?? "")
        case "retryLater": self.outcome = .retryLater
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .outcome, in: container,
                debugDescription: "unknown outcome \"\(outcome)\" (expected applied, refused or retryLater)")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reportID, forKey: .reportID)
        switch outcome {
        case .applied: try container.encode("applied", forKey: .outcome)
        case .refused(let reason):
            try container.encode("refused", forKey: .outcome)
            try container.encode(reason, forKey: .reason)
        case .retryLater: try container.encode("retryLater", forKey: .outcome)
        }
    }
}
