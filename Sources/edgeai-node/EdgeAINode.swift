import ArgumentParser
import NodeCommands

/// `edgeai-node`: the edge agent's own executable, what the DaemonSet runs. The same `edge` and
/// `healthz` commands as `edgeai`, without the cloud, the API server, the Kubernetes client or
/// the YAML reader, so a node maps and keeps resident only the code the agent runs.
@main
struct EdgeAINode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeai-node",
        abstract: "The edgeai edge agent: run it on a node (edge), probe it (healthz).",
        version: EdgeAIVersion.current,
        subcommands: [Edge.self, Healthz.self]
    )
}
