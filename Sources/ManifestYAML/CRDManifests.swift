public import EdgeAIAPI
import JSON

/// The CRDs rendered as the YAML that `deploy/crds/` holds and `edgeai crds` prints.
public enum CRDManifests {
    /// File name in `deploy/crds/` for each CRD, e.g. `datasets.edgeai.io.yaml`.
    public static func fileName(_ crd: CustomResourceDefinition) -> String { "\(crd.metadata.name ?? crd.spec.names.plural).yaml" }

    public static func yaml(_ crd: CustomResourceDefinition) throws -> String {
        Manifests.yaml(try KubeJSON.value(crd))
    }

    /// All CRDs as one multi-document YAML stream.
    public static func yaml() throws -> String {
        Manifests.yaml(try EdgeAICRDs.all.map { try KubeJSON.value($0) })
    }
}
