/// A status write the hub must perform: `PATCH …/status` with a uid precondition (a JSON patch
/// whose first operation tests `/metadata/uid`).
///
/// `reportIDs` are every report coalesced into this write (latest status wins); the session
/// answers all of them with the write's outcome. Report the outcome back with
/// ``HubSession/writeCompleted(_:outcome:now:)`` and this `id`.
package struct StatusWrite: Hashable, Sendable {
    package var id: UInt64
    /// The authenticated node the status comes from.
    package var node: String
    package var ref: ObjectRef
    package var status: ReportedStatus
    package var reportIDs: [String]
    /// 1 for the first try.
    package var attempt: Int

    package init(id: UInt64, node: String, ref: ObjectRef, status: ReportedStatus, reportIDs: [String], attempt: Int) {
        self.id = id
        self.node = node
        self.ref = ref
        self.status = status
        self.reportIDs = reportIDs
        self.attempt = attempt
    }
}

/// How a status write ended.
package enum StatusWriteOutcome: Hashable, Sendable {
    case applied
    /// Definitive: uid precondition failed (422), object gone (404), invalid status (422/400).
    case refused(reason: String)
    /// Transient: conflict, timeout, 5xx, API unreachable. The session retries with backoff.
    case failed(reason: String)
}

/// A report the hub refused without writing: log it with the node and object, and count it.
package struct RefusedReport: Hashable, Sendable, CustomStringConvertible {
    package var node: String
    package var reportID: String
    package var ref: ObjectRef
    package var reason: String

    package init(node: String, reportID: String, ref: ObjectRef, reason: String) {
        self.node = node
        self.reportID = reportID
        self.ref = ref
        self.reason = reason
    }

    package var description: String { "node \(node) report \(reportID) for \(ref) refused: \(reason)" }
}
