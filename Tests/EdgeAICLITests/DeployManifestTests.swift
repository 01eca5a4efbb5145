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
        // Exactly what CloudController calls (informers, StatusWriter, EdgeNodeWriter, EventRecorder,
        // the credentials of spec.credentialName); never a write to a Secret.
        #expect(granted == [
            "edgeai.io/datasets": ["list", "watch"],
            "edgeai.io/models": ["get", "list", "watch"],
            "edgeai.io/datasets/status": ["patch"],
            "edgeai.io/models/status": ["patch"],
            "edgeai.io/edgenodes": ["get", "list", "watch", "create"],
            "edgeai.io/edgenodes/status": ["patch"],
            "/events": ["create"],
            "/secrets": ["get", "list", "watch"],
        ])
        let kinds = try Self.objects("cloud/rbac.yaml").compactMap { $0["kind"]?.stringValue }
        #expect(kinds.sorted() == ["ClusterRole", "ClusterRoleBinding"])
    }

    /// The cloud's namespace enforces `restricted` and its pod meets it; the agents' namespace is
    /// `privileged` (hostPath volumes are forbidden by baseline and restricted).
    @Test func podSecurityLevelsFitEachWorkload() throws {
        var levels: [String: String] = [:]
        for namespace in try Self.objects("namespace.yaml") {
            let name = namespace["metadata"]?["name"]?.stringValue ?? ""
            levels[name] = namespace["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.stringValue
        }
        #expect(levels == ["edgeai-system": "restricted", "edgeai-edge": "privileged"])

        let deployment = try #require(try Self.objects("cloud/deployment.yaml").first)
        #expect(deployment["metadata"]?["namespace"] == "edgeai-system")
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        #expect(pod["securityContext"]?["runAsNonRoot"] == true)
        #expect(pod["securityContext"]?["seccompProfile"]?["type"] == "RuntimeDefault")
        #expect((pod["securityContext"]?["runAsUser"]?.intValue ?? 0) > 0)
        #expect(pod["initContainers"] == nil)
        for container in pod["containers"]?.arrayValue ?? [] {
            let context = container["securityContext"]
            #expect(context?["allowPrivilegeEscalation"] == false)
            #expect(context?["readOnlyRootFilesystem"] == true)
            #expect(context?["capabilities"]?["drop"] == ["ALL"])
            #expect(context?["privileged"] == nil)
        }
        #expect(!(pod["volumes"]?.arrayValue ?? []).contains { $0["hostPath"] != nil })

        let daemonSet = try #require(try Self.objects("edge/daemonset.yaml").first)
        #expect(daemonSet["metadata"]?["namespace"] == "edgeai-edge")
    }

    /// The hub's own `/readyz` gates readiness; the agent's `/healthz` (loopback only) is probed
    /// from inside its container.
    @Test func probesUseTheHealthEndpoints() throws {
        let cloud = try #require(try Self.objects("cloud/deployment.yaml").first?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
        #expect(cloud["readinessProbe"]?["httpGet"]?["path"] == "/readyz")
        #expect(cloud["readinessProbe"]?["httpGet"]?["scheme"] == "HTTPS")
        #expect(cloud["livenessProbe"]?["httpGet"]?["path"] == "/healthz")
        let edge = try #require(try Self.objects("edge/daemonset.yaml").first?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
        let command = edge["livenessProbe"]?["exec"]?["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let args = edge["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let apiPort = try #require(args.firstIndex(of: "--api-port").map { args[$0 + 1] })
        #expect(command == ["/usr/local/bin/edgeai-node", "healthz", "--port", apiPort])
        // The agent runs as the lean executable the image ships beside `edgeai`.
        #expect(edge["command"]?.arrayValue?.compactMap(\.stringValue) == ["/usr/local/bin/edgeai-node"])
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
        #expect(Array(args.prefix(5)) == ["cloud", "--data-dir", "/var/lib/edgeai", "--secret-dir", "/etc/edgeai/cluster"])
        #expect(!args.contains("--kubeconfig"))
        // The dashboard on the pod's loopback (the default --ui-address), for a port-forward.
        #expect(args.firstIndex(of: "--ui-port").map { args[$0 + 1] } == "7080")
        #expect(!args.contains("--ui-address"))
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
            ("--root", "/host"), ("--allow", "/data"),
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
