import ArgumentParser
import EdgeAIPKI
import Foundation

/// `edgeai token`: node credentials.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage edge node tokens.", subcommands: [Create.self, Rotate.self])

    /// `edgeai token create --node NAME --data-dir DIR`: registers the node as `edgeai node add`
    /// does — creates its EdgeNode or moves its token generation on — and prints its token for
    /// that generation, made with the cluster key in the data directory (created on first use,
    /// with the CA). Every token issued for the node before is refused from then on; deleting the
    /// EdgeNode or `edgeai node revoke` refuses this one. The EdgeNode is written to the API that
    /// `--kubeconfig`, `$KUBECONFIG` or `<data-dir>/kubeconfig` (what `edgeai up` and `server`
    /// write) names, else the usual lookup.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an edge node and print the token it authenticates to the hub with.")

        @OptionGroup var client: ClientOptions

        @Option(help: "The edge node's name (a DNS-1123 subdomain).")
        var node: String

        @Option(help: "The cloud's data directory (holds cluster.key and ca.crt).")
        var dataDir: String = "./.edgeai"

        func validate() throws {
            guard DNSName.isSubdomain(node) else { throw ValidationError("node name \(node) is not a DNS-1123 subdomain") }
        }

        func run() async throws {
            let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            var options = client
            options.kubeconfig = NodeGeneration.kubeconfig(flag: client.kubeconfig, dataDirectory: dataDirectory)
            try await options.withClient { kube, _ in
                let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory)
                writeOutput(try await NodeGeneration.issueToken(kube, name: node, secret: credentials.clusterSecret) + "\n")
            }
        }
    }
}
