import EdgeSync
package import HubClient
package import Logging

/// The node is the hub client's durable store: changes are persisted before they are acknowledged.
extension EdgeNode: HubClientStore {}

/// The hub client is the agent's uplink.
extension HubClient: HubUplink {
    package func linkStatus() async -> (state: String, connectAttempts: Int)? { (state.rawValue, connectAttempts) }
}

extension EdgeAgent {
    /// The uplink factory for a real hub: a ``HubClient`` over the node, starting from the
    /// store's pending reports.
    package static func hub(_ configuration: HubClientConfiguration, logger: Logger) -> UplinkFactory {
        { node, outbox in HubClient(configuration: configuration, store: node, outbox: outbox, logger: logger) }
    }
}
