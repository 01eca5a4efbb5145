import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient
import ManifestYAML
import NodeCommands

/// `edgeai version`: the client's version and, when the API server answers, the server's.
///
/// An unreachable server is not an error here (the client version is still useful): it is
/// reported on stderr and the exit status stays 0. `--client` never contacts a server.
struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the edgeai version and the API server's.")

    @OptionGroup var client: ClientOptions

    @Flag(name: .customLong("client"), help: "Print only the client version.")
    var clientOnly = false

    @Option(name: .shortAndLong, help: "Output format: yaml or json.")
    var output: String?

    func run() async throws {
        var server: JSONValue?
        var problem: String?
        if !clientOnly {
            do {
                let (kube, config) = try client.client()
                do {
                    server = try await kube.getPath("/version")
                } catch {
                    problem = CLIErrorMessage.line(for: error, server: config.server)
                }
                try? await kube.shutdown()
            } catch {
                problem = CLIErrorMessage.line(for: error)
            }
        }
        switch output {
        case "json": writeOutput(ObjectPrinter.prettyJSON(Self.document(server: server)) + "\n")
        case "yaml": writeOutput(Manifests.yaml(Self.document(server: server)))
        case nil, "": writeOutput(Self.text(server: server))
        default:
            printError("error: --output must be yaml or json")
            throw ExitCode.failure
        }
        if let problem { printError(problem) }
    }

    /// `Client Version: …` and, when known, `Server Version: …`. Pure.
    static func text(server: JSONValue?) -> String {
        var text = "Client Version: v\(EdgeAIVersion.current)\n"
        if let version = server?["gitVersion"]?.stringValue { text += "Server Version: \(version)\n" }
        return text
    }

    static func document(server: JSONValue?) -> JSONValue {
        var doc: JSONValue = ["clientVersion": ["gitVersion": .string("v\(EdgeAIVersion.current)")]]
        if let server { doc["serverVersion"] = server }
        return doc
    }
}
