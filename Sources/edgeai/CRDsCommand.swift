import ArgumentParser
import EdgeAIAPI
import Foundation
import JSON
import KubeClient
import ManifestYAML

/// `edgeai crds`: the Dataset and Model CustomResourceDefinitions as YAML, written to a
/// directory, or installed into the cluster of the kubeconfig (`--install`).
///
/// `--install` server-side-applies each CRD (created / configured / unchanged) and waits until
/// the API serves `edgeai.io/v1alpha1`. The embedded `edgeai server` serves both kinds built in
/// and has no CRD API; there `--install` says so and succeeds without changing anything.
struct CRDs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds", abstract: "Print, write or install the Dataset and Model CustomResourceDefinitions.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Write one file per CRD into this directory instead of printing (deploy/crds).")
    var outputDir: String?

    @Flag(help: "Apply the CRDs to the cluster of the kubeconfig.")
    var install = false

    @Option(help: "With --install, how long to wait for the API to serve the kinds, in seconds.")
    var waitSeconds: Int = 60

    static let crdType = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions",
        namespaced: false)
    static let crdSingular = "customresourcedefinition.apiextensions.k8s.io"

    func validate() throws {
        if install && outputDir != nil { throw ValidationError("give either --install or --output-dir, not both") }
    }

    func run() async throws {
        if install { return try await installCRDs() }
        try await reportingErrors {
            guard let outputDir else {
                writeOutput(try CRDManifests.yaml())
                return
            }
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            for crd in EdgeAICRDs.all {
                let path = (outputDir as NSString).appendingPathComponent(CRDManifests.fileName(crd))
                try CRDManifests.yaml(crd).write(toFile: path, atomically: true, encoding: .utf8)
                writeOutput("wrote \(path)\n")
            }
        }
    }

    func installCRDs() async throws {
        try await client.withClient { kube, _ in
            if try await !Self.servesCRDAPI(kube) {
                if try await Self.servesEdgeAI(kube) {
                    writeOutput("this API server serves \(EdgeAIGroup.apiVersion) built in (embedded edgeai server); no CRDs to install\n")
                    return
                }
                throw CLIError("the API server serves neither apiextensions.k8s.io/v1 nor \(EdgeAIGroup.apiVersion)")
            }
            for crd in EdgeAICRDs.all {
                let object = try KubeJSON.value(crd)
                let name = crd.metadata.name ?? ""
                var before: String?
                do {
                    before = try await kube.get(Self.crdType, namespace: nil, name: name)["metadata"]?["resourceVersion"]?.stringValue
                } catch let error as KubeError where error.isNotFound {
                    before = nil
                }
                let after = try await kube.patch(
                    Self.crdType, namespace: nil, name: name, object, type: .apply,
                    options: WriteOptions(fieldManager: "edgeai", force: true))
                let verb = before == nil ? "created" : (after["metadata"]?["resourceVersion"]?.stringValue == before ? "unchanged" : "configured")
                writeOutput("\(Self.crdSingular)/\(name) \(verb)\n")
            }
            let deadline = ContinuousClock.now + .seconds(waitSeconds)
            while try await !Self.servesEdgeAI(kube) {
                guard ContinuousClock.now < deadline else {
                    throw CLIError("the CRDs were applied but \(EdgeAIGroup.apiVersion) is not served after \(waitSeconds) s")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Whether `path` is served (404 means not).
    static func serves(_ kube: KubeClient, _ path: String) async throws -> Bool {
        do {
            _ = try await kube.getPath(path)
            return true
        } catch let error as KubeError where error.isNotFound {
            return false
        }
    }

    static func servesCRDAPI(_ kube: KubeClient) async throws -> Bool { try await serves(kube, "/apis/apiextensions.k8s.io/v1") }

    static func servesEdgeAI(_ kube: KubeClient) async throws -> Bool {
        let resources: JSONValue
        do {
            resources = try await kube.getPath("/apis/\(EdgeAIGroup.apiVersion)")
        } catch let error as KubeError where error.isNotFound {
            return false
        }
        let names = resources["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        return names.contains("datasets") && names.contains("models")
    }
}
