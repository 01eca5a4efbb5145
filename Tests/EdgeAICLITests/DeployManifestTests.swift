import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML
import Testing

/// The real-cluster manifests in `deploy/`: what an operator relies on when applying them —
/// least-privilege RBAC, no secret in the repository, host data read-only, the commands the
/// image runs. (CI also renders them with `kubectl kustomize deploy/`.)
@Suite(.timeLimit(.minutes(5)))
struct DeployManifestTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")

    static func objects(_ relative: String) throws -> [JSONValue] {
        try Manifests.parse(String(contentsOf: deploy.appendingPathComponent(relative), encoding: .utf8))
    }

    static func allFiles() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: deploy.path)
        var files: [String] = []
        while let next = enumerator?.nextObject() as? String {
            if next.hasSuffix(".yaml") { files.append(next) }
        }
        return files.sorted()
    }

    @Test func kustomizationListsExistingFilesAndEveryManifest() throws {
        let kustomization = try #require(try Self.objects("kustomization.yaml").first)
        let resources = kustomization["resources"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for resource in resources {
            #expect(FileManager.default.fileExists(atPath: Self.deploy.appendingPathComponent(resource).path), "\(resource)")
        }
        let manifests = try Self.allFiles().filter { $0 != "kustomization.yaml" }
        #expect(Set(manifests) == Set(resources))
    }

    @Test func controllerMayOnlyReadObjectsAndWriteTheirStatus() throws {
        let role = try #require(try Self.objects("cloud/rbac.yaml").first { $0["kind"] == "ClusterRole" })
        var granted: [String: Set<String>] = [:]
        for rule in role["rules"]?.arrayValue ?? [] {
            let groups = rule["apiGroups"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for group in groups {
                for resource in rule["resources"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    granted["\(group)/\(resource)", default: []].formUnion(rule["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                }
            }
        }
        #expect(granted["edgeai.io/datasets"] == ["get", "list", "watch"])
        #expect(granted["edgeai.io/models"] == ["get", "list", "watch"])
        #expect(granted["edgeai.io/datasets/status"] == ["get", "update", "patch"])
        #expect(granted["edgeai.io/models/status"] == ["get", "update", "patch"])
        #expect(granted["/events"] == ["create", "patch", "update"])
        #expect(Set(granted.keys) == ["edgeai.io/datasets", "edgeai.io/models", "edgeai.io/datasets/status", "edgeai.io/models/status", "/events", "events.k8s.io/events"])
        #expect(!granted.values.contains { $0.contains("*") || $0.contains("delete") })

        let leases = try #require(try Self.objects("cloud/rbac.yaml").first { $0["kind"] == "Role" })
        #expect(leases["metadata"]?["namespace"] == "edgeai-system")
        #expect(leases["rules"]?.arrayValue?.first?["resources"] == ["leases"])
    }

    @Test func noSecretIsCommitted() throws {
        for file in try Self.allFiles() {
            for object in try Self.objects(file) {
                #expect(object["kind"] != "Secret", "\(file) holds a Secret")
                #expect(object["data"] == nil && object["stringData"] == nil, "\(file) holds data")
            }
        }
    }

    @Test func cloudRunsInClusterWithTheKeyFromTheSecret() throws {
        let deployment = try #require(try Self.objects("cloud/deployment.yaml").first)
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        #expect(pod["serviceAccountName"] == "edgeai-cloud")
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Array(args.prefix(5)) == ["cloud", "--data-dir", "/var/lib/edgeai", "--hub-port", "10350"])
        #expect(!args.contains("--kubeconfig"))
        let secret = pod["volumes"]?.arrayValue?.first { $0["secret"] != nil }
        #expect(secret?["secret"]?["secretName"] == "edgeai-cluster")

        let service = try #require(try Self.objects("cloud/service.yaml").first)
        #expect(service["spec"]?["ports"]?.arrayValue?.first?["port"] == 10350)
        #expect(service["spec"]?["selector"] == deployment["spec"]?["selector"]?["matchLabels"])
    }

    @Test func edgeAgentsRunOnEdgeNodesWithHostDataReadOnly() throws {
        let daemonSet = try #require(try Self.objects("edge/daemonset.yaml").first)
        let pod = try #require(daemonSet["spec"]?["template"]?["spec"])
        #expect(pod["automountServiceAccountToken"] == false)
        let term = pod["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.arrayValue?.first
        #expect(term?["matchExpressions"]?.arrayValue?.first?["key"] == "node-role.kubernetes.io/edge")
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.first == "edge")
        for (flag, value) in [
            ("--node", "$(NODE_NAME)"), ("--token-file", "/etc/edgeai/token"), ("--ca", "/etc/edgeai/ca.crt"),
            ("--root", "/host"), ("--allow", "/host/data"),
        ] {
            let index = try #require(args.firstIndex(of: flag), "\(flag) missing")
            #expect(args[index + 1] == value)
        }
        #expect(args.contains { $0.hasPrefix("wss://") && $0.hasSuffix(":10350") })
        let mounts = container["volumeMounts"]?.arrayValue ?? []
        let hostData = try #require(mounts.first { $0["mountPath"] == "/host/data" })
        #expect(hostData["readOnly"] == true)
        #expect(mounts.first { $0["mountPath"] == "/etc/edgeai" }?["readOnly"] == true)
        let volumes = pod["volumes"]?.arrayValue ?? []
        #expect(volumes.first { $0["name"] == hostData["name"] }?["hostPath"]?["path"] == "/data")
    }
}
