package import EdgeAIAPI
import JSON

/// The CRDs rendered as the YAML that `deploy/crds/` holds and `edgeai crds` prints.
package enum CRDManifests {
    /// File name in `deploy/crds/` for each CRD, e.g. `datasets.edgeai.io.yaml`.
    package static func fileName(_ crd: CustomResourceDefinition) -> String { "\(crd.metadata.name ?? crd.spec.names.plural).yaml" }

    package static func yaml(_ crd: CustomResourceDefinition) throws -> String {
        Manifests.yaml(try KubeJSON.value(crd))
    }

    /// All CRDs as one multi-document YAML stream.
    package static func yaml() throws -> String {
        Manifests.yaml(try EdgeAICRDs.all.map { try KubeJSON.value($0) })
    }
}
