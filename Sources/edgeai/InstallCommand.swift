import ArgumentParser
import EdgeAIAPI
import Foundation
import JSON
import KubeClient
import ManifestYAML

/// `edgeai install --image REGISTRY/edgeai:TAG`: the whole of `deploy/` into the kubeconfig's
/// cluster, as `linkerd install` or `cilium install` do.
///
/// Server-side-applies (field manager `edgeai`) the namespaces, CRDs, RBAC, Service, Deployment
/// and DaemonSet of ``InstallPlan`` with the image set; creates the `edgeai-cluster` Secret from
/// a fresh cluster key and CA made in memory (never written to disk, never printed) unless it
/// exists (a re-install keeps the key: `edgeai token rotate` replaces it); then waits for the
/// rollout, printing progress. `--dry-run` prints the YAML instead; `--output-dir` writes the
/// `deploy/` directory these manifests come from.
struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install edgeai into a Kubernetes cluster (CRDs, namespaces, RBAC, cloud Deployment, edge DaemonSet, cluster Secret).")

    @OptionGroup var client: ClientOptions

    @Option(help: "The edgeai image you pushed, e.g. registry.example.com/edgeai:0.1.0.")
    var image: String?

    @Flag(help: "Print the YAML that would be applied (the Secret excepted), change nothing.")
    var dryRun = false

    @Option(help: "Write the deploy/ kustomize directory (image placeholder `edgeai`) here instead.")
    var outputDir: String?

    @Option(help: "How long to wait for the rollout, in seconds (0: do not wait).")
    var waitSeconds: Int = 300

    func validate() throws {
        if outputDir == nil, image == nil { throw ValidationError("--image REGISTRY/edgeai:TAG is required") }
        if outputDir != nil, dryRun { throw ValidationError("give either --dry-run or --output-dir, not both") }
        if !(0...3600).contains(waitSeconds) { throw ValidationError("--wait-seconds must be 0-3600") }
    }

    func run() async throws {
        if let outputDir { return try await reportingErrors { try Self.write(to: outputDir) } }
        try await reportingErrors {
            let plan = try InstallPlan(image: image ?? "")
            if dryRun {
                writeOutput(plan.yaml)
                return
            }
            try await client.withClient { kube, _ in
                for item in plan.items { try await Self.apply(item, kube) }
                try await Self.ensureSecret(kube)
                if waitSeconds > 0 { try await RolloutWait(kube: kube, timeout: .seconds(waitSeconds)).run(plan) }
            }
        }
    }

    /// Server-side apply of one object, reported as kubectl does (created/configured/unchanged).
    static func apply(_ item: InstallPlan.Item, _ kube: KubeClient) async throws {
        var before: String?
        do {
            before = try await kube.get(item.type, namespace: item.namespace, name: item.name)["metadata"]?["resourceVersion"]?.stringValue
        } catch let error as KubeError where error.isNotFound {
            before = nil
        }
        let after: JSONValue
        do {
            after = try await kube.patch(
                item.type, namespace: item.namespace, name: item.name, item.object, type: .apply,
                options: WriteOptions(fieldManager: "edgeai", force: true))
        } catch let error as KubeError where error.isNotFound {
            throw CLIError("\(item.display): the API server does not serve \(item.type.kind) (\(item.type.group.isEmpty ? "v1" : item.type.group + "/" + item.type.version)); `edgeai install` needs a Kubernetes cluster, not the embedded edgeai server")
        }
        let verb = before == nil ? "created" : (after["metadata"]?["resourceVersion"]?.stringValue == before ? "unchanged" : "configured")
        writeOutput("\(item.display) \(verb)\n")
    }

    /// Creates the cluster Secret from a fresh key and CA, unless one exists.
    static func ensureSecret(_ kube: KubeClient) async throws {
        let display = "secret/\(InstallPlan.secretName)"
        do {
            _ = try await kube.get(InstallPlan.secretType, namespace: InstallPlan.secretNamespace, name: InstallPlan.secretName)
            writeOutput("\(display) unchanged (the cluster key is kept; `edgeai token rotate` replaces it)\n")
            return
        } catch let error as KubeError where error.isNotFound {}
        let secret = try ClusterSecretObject.generate()
        _ = try await kube.create(InstallPlan.secretType, namespace: InstallPlan.secretNamespace, secret.object())
        writeOutput("\(display) created (a fresh cluster key and CA, kept only in the cluster)\n")
    }

    /// Writes `deploy/`: the embedded manifests and the CRDs.
    static func write(to directory: String) throws {
        for file in DeployManifests.files {
            try writeFile(file.text, to: (directory as NSString).appendingPathComponent(file.path))
        }
        for crd in EdgeAICRDs.all {
            try writeFile(try CRDManifests.yaml(crd), to: (directory as NSString).appendingPathComponent("crds/" + CRDManifests.fileName(crd)))
        }
    }

    private static func writeFile(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        writeOutput("wrote \(path)\n")
    }
}
