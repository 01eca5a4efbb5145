import EdgeAgent
import EdgeSync
import HubClient
import Logging

extension HubSettings {
    /// The hub client the agent runs: the node token and the hub's CA, reconnecting with
    /// jittered exponential backoff (0.5 s doubling, capped at 30 s).
    func uplinkFactory(node: String, logger: Logger) -> EdgeAgent.UplinkFactory? {
        let link = EdgeLinkConfiguration(node: node, agentVersion: EdgeAIVersion.current)
        var configuration = HubClientConfiguration(url: url, token: token, caPEM: caPEM, link: link)
        configuration.tokenSource = tokenSource
        configuration.caSource = caSource
        return EdgeAgent.hub(configuration, logger: logger)
    }
}
