import ArgumentParser
import EdgeAIPKI
import Foundation

/// `edgeai token`: node credentials.
struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage edge node tokens.", subcommands: [Create.self, Rotate.self])

    /// `edgeai token create --node NAME --data-dir DIR`: prints the node's token, an HMAC of its
    /// name under the cluster secret in the data directory (created on first use, with the CA).
    /// The same name always yields the same token; rotating `cluster.key` revokes them all.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the token an edge node authenticates to the hub with.")

        @Option(help: "The edge node's name (a DNS-1123 subdomain).")
        var node: String

        @Option(help: "The cloud's data directory (holds cluster.key and ca.crt).")
        var dataDir: String = "./.edgeai"

        func run() throws {
            let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            do {
                let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory)
                print(try credentials.nodeToken(for: node))
            } catch {
                printError("edgeai token create: \(error)")
                throw ExitCode.failure
            }
        }
    }
}
