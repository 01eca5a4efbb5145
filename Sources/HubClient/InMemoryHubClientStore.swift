package import EdgeSync

/// A ``HubClientStore`` in memory: the objects held by the ``Inventory`` rules and an outbox.
///
/// For tests and the fleet simulator: nothing survives the process. `apply` is "durable" as soon
/// as it returns. Not a model for the agent's store beyond the rules it follows.
package actor InMemoryHubClientStore: HubClientStore {
    package private(set) var held = Inventory()
    /// The objects as last received, by slot.
    package private(set) var objects: [SyncKey: SyncObject] = [:]
    package private(set) var outbox: ReportOutbox
    /// Every change applied, in order (duplicates included).
    package private(set) var appliedCount = 0
    /// Called after each applied change (for latency measurements); runs on the store's actor.
    private let onApply: (@Sendable (ObjectChange) -> Void)?

    package init(objects: [SyncObject] = [], outbox: ReportOutbox = ReportOutbox(), onApply: (@Sendable (ObjectChange) -> Void)? = nil) {
        for object in objects {
            held.apply(.upsert(object))
            self.objects[object.key] = object
        }
        self.outbox = outbox
        self.onApply = onApply
    }

    package func inventory() async throws -> [InventoryEntry] { held.sorted }

    package func apply(_ change: ObjectChange) async throws {
        switch held.apply(change) {
        case .store:
            if case .upsert(let object) = change { objects[object.key] = object }
        case .remove(let entry):
            objects[entry.key] = nil
        case .unchanged:
            break
        }
        appliedCount += 1
        onApply?(change)
    }

    package func removeReport(reportID: String, outcome: ReportOutcome) async throws {
        outbox.resolve(reportID: reportID, outcome: outcome)
    }

    /// Writes a report to the outbox (what the agent does before ``HubClient/report(_:)``).
    package func put(_ report: StatusReport) {
        outbox.put(report)
    }

    /// The object held in `key`'s slot.
    package func object(_ key: SyncKey) -> SyncObject? { objects[key] }
}
