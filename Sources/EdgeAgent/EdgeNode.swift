import EdgeAIAPI
package import EdgeSync
package import Logging
import RemoteStore

/// Where status reports go once they are durable in the outbox: the hub client.
package protocol ReportUplink: Sendable {
    /// Sends `report` (already in the durable outbox) when connected; otherwise it waits in the
    /// outbox for the next connection.
    func report(_ report: StatusReport) async
    /// The link's state (`disconnected`, `connecting`, `syncing`, `live`, `stopped`) and the
    /// connection attempts made so far, for `/metrics`; nil where unknown.
    func linkStatus() async -> (state: String, connectAttempts: Int)?
}

extension ReportUplink {
    package func linkStatus() async -> (state: String, connectAttempts: Int)? { nil }
}

/// The node's side of the sync: the objects it holds, what the agent observed about them, and
/// the reports it sends up. The store the hub client applies changes to.
///
/// Every change is persisted in ``AgentStore`` before it is applied in memory or acknowledged.
/// A dataset's report is put into the outbox (with its scan, in one transaction) when its
/// status changed in substance, or when ``heartbeatInterval`` passed since the last one, so
/// `updateTime` says when the agent last looked; then it is handed to the ``ReportUplink``.
/// Does no I/O on data itself: ``DatasetMonitor`` looks at datasets, ``ModelProbe`` at models.
package actor EdgeNode {
    package let nodeName: String
    package let heartbeatInterval: Duration
    let store: AgentStore
    /// The node's dataset monitor.
    package nonisolated let monitor: DatasetMonitor
    /// Counts the datasets whose data is remote; nil: remote URLs are refused like other schemes.
    package nonisolated let remote: RemoteDatasetMonitor?
    /// Delivers the remote models into the model cache; nil: remote model URLs are probed like
    /// local ones (and refused).
    package nonisolated let delivery: ModelDelivery?
    /// The credential Secrets held, for ``remote`` and ``delivery``; nil: Secrets are stored but
    /// not used.
    package nonisolated let credentials: HeldCredentials?
    let probe: ModelProbe
    let logger: Logger
    var uplink: (any ReportUplink)?
    var held: [SyncKey: Held] = [:]
    /// The latest delivery state of each remote model (for the local API's version).
    var delivered: [SyncKey: ModelDelivery.State] = [:]
    /// The outbox, mirrored for `/metrics`: each object with a pending report, its latest
    /// report id and since when it has had one pending.
    var pending: [SyncKey: (reportID: String, since: ContinuousClock.Instant)] = [:]

    struct Held {
        var object: SyncObject
        var local: LocalState
        /// The latest status observed (datasets), whether or not it was reported.
        var status: DatasetStatus?
        /// Where the data is, when the location was accepted.
        var path: String?
        var lastReport: ContinuousClock.Instant?
    }

    /// - Parameter monitor: the node's dataset monitor, whose sink calls ``observed(_:)``.
    package init(
        nodeName: String, store: AgentStore, monitor: DatasetMonitor, remote: RemoteDatasetMonitor? = nil,
        delivery: ModelDelivery? = nil, credentials: HeldCredentials? = nil, heartbeatInterval: Duration = .seconds(300), logger: Logger
    ) {
        self.delivery = delivery
        self.credentials = credentials
        self.nodeName = nodeName
        self.store = store
        self.monitor = monitor
        self.remote = remote
        self.probe = ModelProbe(locator: monitor.locator)
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    /// Sets where reports go (the hub client, created after this node since it needs it as its store).
    package func setUplink(_ uplink: any ReportUplink) { self.uplink = uplink }

    /// Loads every held object from the store and starts looking at them: works with no hub.
    package func restore() async throws {
        let now = ContinuousClock.now
        for item in try await store.objects() {
            held[item.object.key] = Held(object: item.object, local: item.local, lastReport: now)
        }
        for report in try await store.reports() { pending[report.key] = (report.reportID, now) }
        logger.info("edge agent restored its objects", metadata: ["objects": "\(held.count)"])
        // Sorted, so the Secrets are held before any dataset or model looks for one.
        for key in held.keys.sorted() { await startLooking(at: key) }
    }

    /// The hub client's `apply`: persists by the ``Inventory`` rules, then updates monitoring.
    ///
    /// A new or changed object starts being looked at while its transaction commits (``held``
    /// mirrors the store, so the effect is known before): its first scan overlaps the commit,
    /// and the scan's own transaction is queued after it. A new version with the same spec (a
    /// status write) is only stored. The hub learns of the change only when
    /// this returns, once it is durable; a failed commit puts the slot back as it was.
    package func apply(_ change: ObjectChange) async throws {
        guard case .upsert(let object) = change,
            case .store(let replaced) = Inventory.effect(of: change, current: held[object.key]?.object.entry)
        else {
            try await applyStored(change)
            return
        }
        // Queued first, so what the looks record is queued after it.
        let commit = try store.enqueueApply(change)
        let before = held[object.key]
        hold(object, replacing: replaced)
        // The cloud's write of the status this node reported comes back as a new version: stored,
        // but nothing to look at again.
        let unchanged = before?.object.hasSameSpec(as: object) ?? false
        if !unchanged { await startLooking(at: object.key) }
        do {
            _ = try await commit.committed()
        } catch {
            if held[object.key]?.object == object {
                held[object.key] = before
                if before == nil {
                    await stopLooking(at: object.entry)
                } else if !unchanged {
                    await startLooking(at: object.key)
                }
            }
            throw error
        }
        logger.debug("stored \(object.entry)")
    }

    /// A change whose effect the store decides first (a removal; an upsert held already).
    private func applyStored(_ change: ObjectChange) async throws {
        switch (try await store.apply(change), change) {
        case (.store(let replaced), .upsert(let object)):
            hold(object, replacing: replaced)
            logger.debug("stored \(object.entry)")
            await startLooking(at: object.key)
        case (.remove(let entry), _):
            held[entry.key] = nil
            pending[entry.key] = nil
            await stopLooking(at: entry)
            logger.info("forgot \(entry)")
        default:
            break
        }
    }

    /// Holds `object` in its slot, keeping what the agent knew of the same uid.
    private func hold(_ object: SyncObject, replacing replaced: InventoryEntry?) {
        var entry = held[object.key]
        if let replaced, replaced.uid != object.uid { entry = nil }
        held[object.key] = Held(
            object: object, local: entry?.local ?? LocalState(), status: entry?.status, path: entry?.path, lastReport: entry?.lastReport)
    }

    private func stopLooking(at entry: InventoryEntry) async {
        switch entry.kind {
        case .dataset:
            await monitor.forget(entry.key)
            await remote?.forget(entry.key)
        case .model:
            delivered[entry.key] = nil
            await delivery?.forget(entry.key)
        case .secret:
            credentials?.drop(ObjectKeyName(namespace: entry.namespace, name: entry.name))
            await credentialsChanged(named: entry.name, namespace: entry.namespace)
        }
    }

    /// Everything held, for `hello`.
    package func inventory() async throws -> [InventoryEntry] {
        held.values.map(\.object.entry).sorted()
    }

    /// The hub's answer to a report: removes it from the outbox when final and still the latest.
    package func removeReport(reportID: String, outcome: ReportOutcome) async throws {
        guard try await store.removeReport(reportID: reportID, outcome: outcome) else { return }
        if let key = pending.first(where: { $0.value.reportID == reportID })?.key { pending[key] = nil }
    }

    /// The reports still waiting for the hub's answer.
    package func pendingReports() async throws -> [StatusReport] { try await store.reports() }

    private func startLooking(at key: SyncKey) async {
        guard let entry = held[key] else { return }
        switch entry.object {
        case .dataset(let dataset):
            if let remote, RemoteLocation.isRemote(dataset.spec.dataUrl) {
                await monitor.forget(key)
                await remote.track(
                    entry.object.ref, dataUrl: dataset.spec.dataUrl, format: dataset.spec.format, credentialName: dataset.spec.credentialName,
                    localCopy: dataset.spec.localCopy ?? false)
            } else {
                await remote?.forget(key)
                await monitor.track(entry.object.ref, dataUrl: dataset.spec.dataUrl, format: dataset.spec.format, previous: entry.local.scan)
            }
        case .model:
            await checkModel(key)
        case .secret(let secret):
            credentials?.hold(secret)
            await credentialsChanged(named: key.name, namespace: key.namespace)
        }
    }

    /// The credential Secret held as `namespace/name`; never served by the local API.
    func heldSecret(namespace: String, name: String) -> Secret? {
        guard case .secret(let secret)? = held[SyncKey(kind: .secret, namespace: namespace, name: name)]?.object else { return nil }
        return secret
    }

    /// The datasets and models using a credential look again (a delivered or fixed key applies
    /// at once, not after their backoff).
    private func credentialsChanged(named name: String, namespace: String) async {
        await remote?.credentialsChanged(named: name, namespace: namespace)
        await delivery?.credentialsChanged(named: name, namespace: namespace)
    }

    /// The monitor's sink: builds the status, reports it if due, persists the scan.
    package func observed(_ look: DatasetMonitor.Look) async {
        let (ref, observation, scan) = (look.ref, look.observation, look.scan)
        guard var entry = held[ref.key], entry.object.uid == ref.uid, case .dataset(let dataset) = entry.object else { return }
        let now = ContinuousClock.now
        let status = observation.status(
            generation: dataset.metadata.generation, now: Time.now(), previous: entry.status ?? entry.local.reportedStatus)
        let changed = status.differsInSubstance(from: entry.local.reportedStatus)
        let heartbeat = entry.lastReport.map { now - $0 >= heartbeatInterval } ?? true
        entry.status = status
        entry.path = look.path
        let scanChanged = scan != entry.local.scan
        entry.local.scan = scan
        held[ref.key] = entry
        guard changed || heartbeat || scanChanged else { return }
        var local = entry.local
        var report: StatusReport?
        if changed || heartbeat {
            local.reportedStatus = status
            report = StatusReport(reportID: Self.newReportID(), ref: ref, status: .dataset(status))
        }
        await record(local, for: ref, report: report, at: now)
        if changed, let reason = observation.failureReason {
            logger.info("\(ref.key) not ready: \(reason)", metadata: ["message": "\(status.conditions?[type: "Ready"]?.message ?? "")"])
        }
    }

    /// Persists local state (and a report) and hands the report to the uplink as soon as its
    /// transaction is queued, not once it is synced, so the commit overlaps the trip to the hub.
    /// Nothing is lost by it: the hub's answer is handled by a transaction queued after this one
    /// (the store's writer keeps the order), and a report a crash takes before its commit is made
    /// again by the restarted agent's first look, which compares with the last status stored.
    /// Returns whether the state was stored.
    @discardableResult
    func record(_ local: LocalState, for ref: ObjectRef, report: StatusReport?, at now: ContinuousClock.Instant) async -> Bool {
        guard held[ref.key]?.object.uid == ref.uid else { return false }
        do {
            let commit = try store.enqueueRecord(local, for: ref, report: report)
            if let report {
                held[ref.key]?.lastReport = now
                pending[ref.key] = (report.reportID, pending[ref.key]?.since ?? now)
                await uplink?.report(report)
            }
            guard try await commit.committed() else { return false }
        } catch {
            logger.error("could not persist the state of \(ref.key): \(error)")
            return false
        }
        guard held[ref.key]?.object.uid == ref.uid else { return false }
        held[ref.key]?.local = local
        return true
    }

    static func newReportID() -> String {
        "r-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
