import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML

/// What `edgeai install` applies: the objects of ``DeployManifests`` and the CRDs, transformed as
/// `deploy/kustomization.yaml` transforms them (the image `edgeai` replaced, every object
/// labelled `app.kubernetes.io/part-of: edgeai`), in an order a fresh cluster accepts
/// (namespaces and CRDs first, workloads last).
///
/// Pure: no I/O. The cluster Secret is not part of the plan (it is created from a fresh key at
/// install time and never printed).
struct InstallPlan {
    /// One object to apply, with the API it lives in.
    struct Item {
        var type: ResourceType
        var object: JSONValue
        var name: String { object["metadata"]?["name"]?.stringValue ?? "" }
        var namespace: String? { type.namespaced ? object["metadata"]?["namespace"]?.stringValue : nil }
        /// `kind/name` as kubectl prints it (`deployment.apps/edgeai-cloud`).
        var display: String {
            let kind = type.kind.lowercased()
            return (type.group.isEmpty ? kind : "\(kind).\(type.group)") + "/" + name
        }
    }

    /// The kinds `deploy/` holds, in apply order.
    static let kinds: [ResourceType] = [
        ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false),
        ResourceType(
            group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions",
            namespaced: false),
        ResourceType(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true),
        ResourceType(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false),
        ResourceType(
            group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRoleBinding", plural: "clusterrolebindings",
            namespaced: false),
        ResourceType(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true),
        ResourceType(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true),
        ResourceType(group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true),
    ]

    static let secretType = ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true)
    /// The Secret the cloud Deployment reads its key and CA from.
    static let secretName = "edgeai-cluster"
    static let secretNamespace = "edgeai-system"

    /// The longest image reference accepted.
    static let maxImageLength = 512

    var items: [Item]

    /// The plan with every container's `edgeai` image replaced by `image`.
    /// - Throws: ``CLIError`` for an empty or malformed image reference.
    init(image: String) throws {
        try Self.validate(image: image)
        var objects: [JSONValue] = []
        for file in DeployManifests.files where file.path != "kustomization.yaml" {
            objects += try Manifests.parse(file.text)
        }
        for crd in EdgeAICRDs.all { objects.append(try KubeJSON.value(crd)) }
        var items: [Item] = []
        for var object in objects {
            guard let kind = object["kind"]?.stringValue,
                let type = Self.kinds.first(where: { $0.kind == kind && "\($0.group.isEmpty ? "" : $0.group + "/")\($0.version)" == object["apiVersion"]?.stringValue })
            else {
                throw CLIError("the embedded manifests hold a \(object["kind"]?.stringValue ?? "?") the installer does not know")
            }
            var labels = object["metadata"]?["labels"]?.objectValue ?? [:]
            labels[DeployManifests.partOfLabel.0] = .string(DeployManifests.partOfLabel.1)
            object["metadata"]?["labels"] = .object(labels)
            Self.setImage(&object, image)
            items.append(Item(type: type, object: object))
        }
        self.items = items.enumerated().sorted { a, b in
            let (ka, kb) = (Self.rank(a.element.type), Self.rank(b.element.type))
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    /// The objects as one multi-document YAML stream (what `--dry-run` prints).
    var yaml: String { Manifests.yaml(items.map(\.object)) }

    static func rank(_ type: ResourceType) -> Int { kinds.firstIndex(of: type) ?? kinds.count }

    /// A registry/name[:tag][@digest] without whitespace or control characters.
    static func validate(image: String) throws {
        if image.isEmpty { throw CLIError("--image must name the image you pushed, e.g. registry.example.com/edgeai:0.1.0") }
        if image.utf8.count > maxImageLength { throw CLIError("--image is longer than \(maxImageLength) bytes") }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "./:-_@"))
        guard image.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }), image.first?.isLetter ?? false || image.first?.isNumber ?? false else {
            throw CLIError("--image \(image) is not an image reference (REGISTRY/NAME:TAG)")
        }
    }

    /// Replaces the placeholder image in every container and init container of a pod template.
    static func setImage(_ object: inout JSONValue, _ image: String) {
        for field in ["containers", "initContainers"] {
            guard var containers = object["spec"]?["template"]?["spec"]?[field]?.arrayValue else { continue }
            for index in containers.indices where containers[index]["image"]?.stringValue == DeployManifests.imagePlaceholder {
                containers[index]["image"] = .string(image)
            }
            object["spec"]?["template"]?["spec"]?[field] = .array(containers)
        }
    }
}
