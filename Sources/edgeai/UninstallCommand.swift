import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient

/// `edgeai uninstall`: deletes what `edgeai install` created, workloads first; the CRDs only with
/// `--crds`, since deleting them deletes every Dataset and Model in the cluster.
struct Uninstall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove edgeai from a Kubernetes cluster (the CRDs only with --crds).")

    @OptionGroup var client: ClientOptions

    @Flag(help: "Also delete the CRDs, and with them every Dataset and Model.")
    var crds = false

    /// What is deleted, in order: the plan reversed (workloads first), the Secret before its
    /// namespace, CRDs only when asked. Pure.
    static func items(crds: Bool) throws -> [InstallPlan.Item] {
        let plan = try InstallPlan(image: DeployManifests.imagePlaceholder)
        let secret = InstallPlan.Item(
            type: InstallPlan.secretType,
            object: ["metadata": ["name": .string(InstallPlan.secretName), "namespace": .string(InstallPlan.secretNamespace)]])
        var items = plan.items.reversed().filter { crds || $0.type.kind != "CustomResourceDefinition" }
        let firstNamespace = items.firstIndex { $0.type.kind == "Namespace" } ?? items.endIndex
        items.insert(secret, at: firstNamespace)
        return items
    }

    func run() async throws {
        try await client.withClient { kube, _ in
            for item in try Self.items(crds: crds) {
                do {
                    _ = try await kube.delete(item.type, namespace: item.namespace, name: item.name)
                    writeOutput("\(item.display) deleted\n")
                } catch let error as KubeError where error.isNotFound {
                    writeOutput("\(item.display) not found\n")
                }
            }
            if !crds { writeOutput("the CRDs (and every Dataset and Model) are kept; `edgeai uninstall --crds` deletes them\n") }
        }
    }
}
