import ArgumentParser
import EdgeAIAPI
import EdgeAIPKI
import Foundation
import JSON
import KubeClient

/// `edgeai node`: edge nodes.
struct Node: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Manage edge nodes.", subcommands: [Add.self])

    /// `edgeai node add NAME`: prints the node's token and the exact commands that provision it.
    /// The key comes from the cluster's `edgeai-cluster` Secret, or from `--data-dir` for a cloud
    /// run outside Kubernetes. Prints; creates nothing yet (a later issue adds an EdgeNode object).
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a node's token and the commands to provision it.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The edge node's name (its Kubernetes node name, a DNS-1123 subdomain).")
        var name: String

        @Option(help: "Read the cluster key and CA from this cloud data directory instead of the cluster's Secret.")
        var dataDir: String?

        func validate() throws {
            guard DNSName.isSubdomain(name) else { throw ValidationError("node name \(name) is not a DNS-1123 subdomain") }
        }

        func run() async throws {
            if let dataDir {
                return try await reportingErrors {
                    let credentials = try PKIBootstrap.ensure(dataDirectory: URL(fileURLWithPath: dataDir).standardizedFileURL.path)
                    let provisioning = NodeProvisioning(
                        node: name, token: try credentials.nodeToken(for: name), caPEM: credentials.certificateAuthority.certificatePEM)
                    writeOutput(provisioning.script)
                }
            }
            try await client.withClient { kube, _ in
                let object: JSONValue
                do {
                    object = try await kube.get(InstallPlan.secretType, namespace: InstallPlan.secretNamespace, name: InstallPlan.secretName)
                } catch let error as KubeError where error.isNotFound {
                    throw CLIError("Secret \(InstallPlan.secretNamespace)/\(InstallPlan.secretName) not found: run `edgeai install --image …` first")
                }
                let secret = try ClusterSecretObject(secret: object)
                let provisioning = NodeProvisioning(
                    node: name, token: try NodeToken.issue(node: name, secret: secret.clusterKey), caPEM: secret.caCertificatePEM)
                writeOutput(provisioning.script)
            }
        }
    }
}
