/// The edge's outbox of status reports: the latest report per object, until the hub answers it.
///
/// Rules (which the agent's persistent outbox must follow, row for row):
/// - ``put(_:)`` replaces the object's previous report (latest wins);
/// - a report leaves only through ``resolve(reportID:outcome:)`` with a final outcome
///   (`applied` or `refused`) for *its* id; an answer for a replaced report removes nothing;
/// - `retryLater` and lost connections leave it in place; it is sent again.
package struct ReportOutbox: Hashable, Sendable {
    package private(set) var reports: [SyncKey: StatusReport]

    package init(_ reports: some Sequence<StatusReport> = []) {
        var byKey: [SyncKey: StatusReport] = [:]
        for report in reports { byKey[report.key] = report }
        self.reports = byKey
    }

    package var count: Int { reports.count }
    package var isEmpty: Bool { reports.isEmpty }

    /// The reports in slot order, as they are (re)sent after a handshake.
    package var sorted: [StatusReport] { reports.values.sorted { $0.key < $1.key } }

    /// The pending report with this id, if it has not been replaced or resolved.
    package func report(id reportID: String) -> StatusReport? {
        reports.values.first { $0.reportID == reportID }
    }

    /// Stores `report` as its object's latest; returns the report it replaces.
    @discardableResult
    package mutating func put(_ report: StatusReport) -> StatusReport? {
        reports.updateValue(report, forKey: report.key)
    }

    /// Applies the hub's answer; returns the removed report when the outcome is final and the id
    /// is still the object's latest.
    @discardableResult
    package mutating func resolve(reportID: String, outcome: ReportOutcome) -> StatusReport? {
        guard outcome.isFinal, let report = report(id: reportID) else { return nil }
        reports[report.key] = nil
        return report
    }
}
