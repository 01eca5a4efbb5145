/// A status write the hub must perform: `PATCH …/status` with a uid precondition (a JSON patch
/// whose first operation tests `/metadata/uid`).
///
/// `reportIDs` are every report coalesced into this write (latest status wins); the session
/// answers all of them with the write's outcome. Report the outcome back with
/// ``HubSession/writeCompleted(_:outcome:now:)`` and this `id`.
public struct StatusWrite: Hashable, Sendable {
    public var id: UInt64
    /// The authenticated node the status comes from.
    public var node: String
    public var ref: ObjectRef
    public var status: ReportedStatus
    public var reportIDs: [String]
    /// 1 for the first try.
    public var attempt: Int

    public init(id: UInt64, node: String, ref: ObjectRef, status: ReportedStatus, reportIDs: [String], attempt: Int) {
        self.id = id
        self.node = node
        self.ref = ref
        self.status = status
        self.reportIDs = reportIDs
        self.attempt = attempt
    }
}

/// How a status write ended.
public enum StatusWriteOutcome: Hashable, Sendable {
    case applied
    /// Definitive: uid precondition failed (422), object gone (404), invalid status (422/400).
    case refused(reason: String)
    /// Transient: conflict, timeout, 5xx, API unreachable. The session retries with backoff.
    case failed(reason: String)
}

/// A report the hub refused without writing: log it with the node and object, and count it.
public struct RefusedReport: Hashable, Sendable, CustomStringConvertible {
    public var node: String
    public var reportID: String
    public var ref: ObjectRef
    public var reason: String

    public init(node: String, reportID: String, ref: ObjectRef, reason: String) {
        self.node = node
        self.reportID = reportID
        self.ref = ref
        self.reason = reason
    }

    public var description: String { "node \(node) report \(reportID) for \(ref) refused: \(reason)" }
}
