import ArgumentParser
import NodeCommands

/// The `edgeai` command line.
@main
struct EdgeAI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeai",
        abstract: "Datasets and models for edge AI, kept in step between the cloud and the edge.",
        version: EdgeAIVersion.current,
        subcommands: [
            Up.self,
            DashboardCommand.self,
            Apply.self,
            Get.self,
            Describe.self,
            Delete.self,
            Create.self,
            CRDs.self,
            Count.self,
            Server.self,
            Version.self,
            Cloud.self,
            Token.self,
            Edge.self,
            Healthz.self,
            Install.self,
            Uninstall.self,
            Node.self,
        ]
    )
}
