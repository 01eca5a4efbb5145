import EdgeAgent
import Logging

extension HubSettings {
    /// The hub client the agent runs; none until the `HubClient` module is part of the build.
    func uplinkFactory(node: String, logger: Logger) -> EdgeAgent.UplinkFactory? {
        logger.warning("this build has no hub client: the agent runs offline, reports wait in its outbox")
        return nil
    }
}
