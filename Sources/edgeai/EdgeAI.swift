import ArgumentParser

/// The `edgeai` command line.
@main
struct EdgeAI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgeai",
        abstract: "Datasets and models for edge AI, kept in step between the cloud and the edge.",
        version: EdgeAIVersion.current,
        subcommands: [CRDs.self, Count.self, Server.self, Version.self,
            Cloud.self,
            Token.self,
            Edge.self,
        ]
    )
}

enum EdgeAIVersion {
    static let current = "0.1.0"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the edgeai version.")

    func run() {
        print("edgeai \(EdgeAIVersion.current)")
    }
}
