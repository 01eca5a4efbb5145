package import EdgeSync

/// What the hub client needs from the agent's durable store.
///
/// Implementations follow the ``Inventory`` rules (`Inventory.effect(of:current:)`) slot for slot,
/// and return only once a change is durable: the hub client acknowledges a change to the hub as
/// soon as ``apply(_:)`` returns.
package protocol HubClientStore: Sendable {
    /// Everything the node holds, sent in `hello`.
    func inventory() async throws -> [InventoryEntry]
    /// Persist `change` by the `Inventory` rules; return once it is durable.
    func apply(_ change: ObjectChange) async throws
    /// Delete the report from the durable outbox if its id still matches.
    func removeReport(reportID: String, outcome: ReportOutcome) async throws
}
