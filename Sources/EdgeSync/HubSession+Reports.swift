import EdgeAIAPI
import EdgeAICore

/// Status reports on the hub side: authorize, coalesce per object (latest wins), write at a
/// limited rate, retry transient failures with backoff, answer every report id exactly once.
extension HubSession {
    struct Pending: Sendable {
        var ref: ObjectRef
        var status: ReportedStatus
        var reportIDs: [String]
        /// Arrival order of the first report coalesced here; writes start oldest first.
        var order: UInt64
        var failedAttempts: Int
        /// Not written before this instant: its arrival, or the end of a retry backoff.
        var notBefore: Instant
    }

    struct ReportQueue: Sendable {
        var queued: [SyncKey: Pending] = [:]
        var inFlight: [UInt64: Pending] = [:]
        var inFlightKeys: Set<SyncKey> = []
        var nextOrder: UInt64 = 0

        /// The earliest instant at which a queued report may be written, ignoring the rate limit.
        /// A key with a write in flight waits for its outcome.
        func earliestReady() -> Instant? {
            queued.lazy.filter { !inFlightKeys.contains($0.key) }.map(\.value.notBefore).min()
        }
    }

    /// Why this node may not report on `report`, or `nil` when it may.
    func refusal(of report: StatusReport) -> String? {
        guard report.statusMatchesKind else { return "status does not match kind \(report.ref.kind.rawValue)" }
        guard let held = desired[report.key] else { return "\(report.key) is not assigned to node \(node)" }
        guard held.uid == report.ref.uid else {
            return "uid \(report.ref.uid) does not match the current object (uid \(held.uid)): it was deleted and recreated"
        }
        if case .model(let model) = report.status, let entry = model.node, entry.nodeName != node {
            return "model presence for node \(entry.nodeName) reported by node \(node)"
        }
        return nil
    }

    mutating func receiveReport(_ report: StatusReport, now: Instant) -> [Action] {
        if let reason = refusal(of: report) {
            refusedCount += 1
            return [
                .refused(RefusedReport(node: node, reportID: report.reportID, ref: report.ref, reason: reason)),
                .send(.reportResult(ReportResult(reportID: report.reportID, outcome: .refused(reason: reason)))),
            ]
        }
        if var pending = reports.queued[report.key] {
            pending.status = report.status
            pending.ref = report.ref
            if !pending.reportIDs.contains(report.reportID) { pending.reportIDs.append(report.reportID) }
            reports.queued[report.key] = pending
        } else {
            reports.nextOrder += 1
            reports.queued[report.key] = Pending(
                ref: report.ref, status: report.status, reportIDs: [report.reportID], order: reports.nextOrder,
                failedAttempts: 0, notBefore: now)
        }
        return drainReports(now: now)
    }

    /// Starts as many ready writes as the rate limit allows, oldest first.
    mutating func drainReports(now: Instant) -> [Action] {
        guard state == .resyncing || state == .live else { return [] }
        let ready = reports.queued
            .filter { !reports.inFlightKeys.contains($0.key) && $0.value.notBefore <= now }
            .sorted { $0.value.order < $1.value.order }
        var actions: [Action] = []
        for (key, pending) in ready {
            guard writeBucket.tryTake(now: now) else { break }
            reports.queued[key] = nil
            let id = nextWriteID
            nextWriteID += 1
            reports.inFlight[id] = pending
            reports.inFlightKeys.insert(key)
            actions.append(
                .writeStatus(
                    StatusWrite(
                        id: id, node: node, ref: pending.ref, status: pending.status, reportIDs: pending.reportIDs,
                        attempt: pending.failedAttempts + 1)))
        }
        return actions
    }

    /// The hub finished the write `id`. Unknown ids (session closed, duplicate) change nothing.
    package mutating func writeCompleted(_ id: UInt64, outcome: StatusWriteOutcome, now: Instant) -> [Action] {
        guard state != .closed, let pending = reports.inFlight.removeValue(forKey: id) else { return [] }
        let key = pending.ref.key
        reports.inFlightKeys.remove(key)
        var actions: [Action] = []
        func answer(_ outcome: ReportOutcome, _ ids: [String]) {
            for reportID in ids { actions.append(.send(.reportResult(ReportResult(reportID: reportID, outcome: outcome)))) }
        }
        switch outcome {
        case .applied:
            answer(.applied, pending.reportIDs)
        case .refused(let reason):
            refusedCount += 1
            for reportID in pending.reportIDs {
                actions.append(.refused(RefusedReport(node: node, reportID: reportID, ref: pending.ref, reason: reason)))
            }
            answer(.refused(reason: reason), pending.reportIDs)
        case .failed:
            let attempts = pending.failedAttempts + 1
            if attempts >= configuration.maxWriteAttempts {
                answer(.retryLater, pending.reportIDs)
            } else {
                var retry = pending
                retry.failedAttempts = attempts
                retry.notBefore = now.advanced(by: configuration.writeRetry.ceiling(attempt: attempts - 1))
                if let newer = reports.queued[key] {
                    // The newer status wins; every id waits for its write.
                    retry.status = newer.status
                    retry.ref = newer.ref
                    retry.reportIDs += newer.reportIDs.filter { !retry.reportIDs.contains($0) }
                }
                reports.queued[key] = retry
            }
        }
        return actions + drainReports(now: now)
    }

    /// Drops queued reports about `ref` (no longer this node's), refusing them.
    mutating func dropReports(for ref: ObjectRef, reason: String) -> [Action] {
        guard let pending = reports.queued[ref.key], pending.ref.uid == ref.uid else { return [] }
        reports.queued[ref.key] = nil
        refusedCount += pending.reportIDs.count
        return pending.reportIDs.flatMap { reportID -> [Action] in
            [
                .refused(RefusedReport(node: node, reportID: reportID, ref: ref, reason: reason)),
                .send(.reportResult(ReportResult(reportID: reportID, outcome: .refused(reason: reason)))),
            ]
        }
    }
}
