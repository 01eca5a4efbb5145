import ArgumentParser
import EdgeAIAPI
import EdgeAIPKI
import Foundation
import JSON
import KubeClient

/// `edgeai node`: edge nodes.
struct Node: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "Manage edge nodes.", subcommands: [Add.self, Revoke.self])

    /// `edgeai node add NAME`: creates the node's EdgeNode (or moves its token generation on),
    /// prints a token for that generation and the exact commands that provision the node. Any
    /// token issued for the node before is refused from then on, and so is this one once the
    /// EdgeNode is deleted. The key comes from the cluster's `edgeai-cluster` Secret, or with
    /// `--data-dir` (a cloud run outside Kubernetes, `edgeai cloud` or `server`) from that
    /// directory; the EdgeNode is written to the API either way (with `--data-dir`,
    /// `<data-dir>/kubeconfig` when there is one and no other is named).
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
                let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
                var options = client
                options.kubeconfig = NodeGeneration.kubeconfig(flag: client.kubeconfig, dataDirectory: dataDirectory)
                return try await options.withClient { kube, _ in
                    let credentials = try PKIBootstrap.ensure(dataDirectory: dataDirectory)
                    let token = try await NodeGeneration.issueToken(kube, name: name, secret: credentials.clusterSecret)
                    writeOutput(NodeProvisioning(node: name, token: token, caPEM: credentials.certificateAuthority.certificatePEM).script)
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
                let token = try await NodeGeneration.issueToken(kube, name: name, secret: secret.clusterKey)
                let provisioning = NodeProvisioning(node: name, token: token, caPEM: secret.caCertificatePEM)
                writeOutput(provisioning.script)
            }
        }
    }

    /// `edgeai node revoke NAME`: moves the EdgeNode's token generation on without issuing a
    /// token: the hub closes the node's connection and refuses every token it was given, also
    /// after a restart. The EdgeNode stays, with its labels (deleting it revokes the node too,
    /// and forgets it). `edgeai node add NAME` provisions it again.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Refuse a node's tokens from now on and end its connection.")

        @OptionGroup var client: ClientOptions

        @Argument(help: "The edge node's name.")
        var name: String

        func run() async throws {
            try await client.withClient { kube, _ in
                _ = try await NodeGeneration.advance(kube, name: name, createIfMissing: false)
                writeOutput("edgenode.edgeai.io/\(name) revoked\n")
            }
        }
    }
}
