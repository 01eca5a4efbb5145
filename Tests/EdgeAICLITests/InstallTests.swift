import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import JSON
import ManifestYAML
import Testing

@testable import edgeai

/// `edgeai install`, `uninstall`, `node add` and `token rotate`: the plan itself (pure), the
/// generated `deploy/`, and the commands against a stand-in API server (`StandInCluster`).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct InstallTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let image = "registry.example.com/edgeai:9.9.9"

    @Test func planSetsTheImageLabelsEveryObjectAndOrdersForAFreshCluster() throws {
        let plan = try InstallPlan(image: Self.image)
        let kinds = plan.items.map(\.type.kind)
        #expect(kinds.first == "Namespace" && kinds.last == "DaemonSet")
        #expect(kinds.lastIndex(of: "Namespace")! < kinds.firstIndex(of: "ServiceAccount")!)
        #expect(kinds.lastIndex(of: "CustomResourceDefinition")! < kinds.firstIndex(of: "Deployment")!)
        for item in plan.items {
            #expect(item.object["metadata"]?["labels"]?["app.kubernetes.io/part-of"] == "edgeai", "\(item.display)")
            for container in item.object["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? [] {
                #expect(container["image"]?.stringValue == Self.image)
            }
        }
        #expect(!plan.yaml.contains("image: edgeai\n"))
        #expect(!plan.items.contains { $0.type.kind == "Secret" })
        for bad in ["", "reg istry/edgeai", "-x", "edgeai:1\n", String(repeating: "a", count: 600)] {
            #expect(throws: CLIError.self, "\(bad)") { try InstallPlan(image: bad) }
        }
    }

    /// `deploy/` is what `install --output-dir` writes: one home for the manifests.
    @Test func deployDirectoryIsGeneratedFromTheEmbeddedManifests() async throws {
        let directory = try TemporaryDirectory(prefix: "deploy-out")
        defer { directory.remove() }
        let result = try await CLIProcess.run(["install", "--output-dir", directory.path + "/deploy"], stdin: nil, environment: [:], workingDirectory: directory.path)
        #expect(result.status == 0, "\(result)")
        let written = FileManager.default.enumerator(atPath: directory.path + "/deploy")?.allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") } ?? []
        let committed = FileManager.default.enumerator(atPath: Self.repository.path + "/deploy")?.allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") } ?? []
        #expect(Set(written) == Set(committed))
        for file in committed {
            let a = try String(contentsOfFile: directory.path + "/deploy/" + file, encoding: .utf8)
            let b = try String(contentsOfFile: Self.repository.path + "/deploy/" + file, encoding: .utf8)
            #expect(a == b, "deploy/\(file) differs from the embedded manifests: edit Sources/edgeai/DeployManifests.swift and run `edgeai install --output-dir deploy`")
        }
    }

    /// `--dry-run` prints what `kubectl kustomize deploy/` renders with the image set.
    @Test func dryRunPrintsWhatKustomizeRenders() async throws {
        let directory = try TemporaryDirectory(prefix: "dry-run")
        defer { directory.remove() }
        let result = try await CLIProcess.run(["install", "--image", Self.image, "--dry-run"], stdin: nil, environment: [:], workingDirectory: directory.path)
        #expect(result.status == 0, "\(result)")
        let printed = try Manifests.parse(result.stdout)
        #expect(printed.count == (try InstallPlan(image: Self.image)).items.count)
        #expect(!printed.contains { $0["kind"] == "Secret" })
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") else { return }
        var rendered = try await ManifestContractTests.rendered()
        let kustomizedImage = "registry.example.com/edgeai:0.1.0"
        for index in rendered.indices {
            for field in ["containers", "initContainers"] {
                guard var containers = rendered[index]["spec"]?["template"]?["spec"]?[field]?.arrayValue else { continue }
                for c in containers.indices where containers[c]["image"]?.stringValue == kustomizedImage { containers[c]["image"] = .string(Self.image) }
                rendered[index]["spec"]?["template"]?["spec"]?[field] = .array(containers)
            }
        }
        func key(_ object: JSONValue) -> String {
            "\(object["kind"]?.stringValue ?? "")/\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(object["metadata"]?["name"]?.stringValue ?? "")"
        }
        let byKey = Dictionary(uniqueKeysWithValues: rendered.map { (key($0), $0) })
        #expect(Set(byKey.keys) == Set(printed.map(key)))
        for object in printed { #expect(byKey[key(object)] == object, "\(key(object)) differs from kubectl kustomize deploy/") }
    }

    @Test func installAppliesEverythingCreatesTheSecretOnceAndWaitsForTheRollout() async throws {
        try await StandInCluster.with { cluster, kubeconfig, directory in
            let environment = ["KUBECONFIG": kubeconfig]
            let first = try await CLIProcess.run(["install", "--image", Self.image], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(first.status == 0, "\(first)")
            let lines = first.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "namespace/edgeai-system created")
            #expect(lines.contains("deployment.apps/edgeai-cloud created"))
            #expect(lines.contains("secret/edgeai-cluster created (a fresh cluster key and CA, kept only in the cluster)"))
            #expect(lines.contains("deployment.apps/edgeai-cloud: 0/1 updated, 0/1 available"))
            #expect(lines.contains("deployment.apps/edgeai-cloud: 1/1 updated, 1/1 available"))
            #expect(lines.last == "deployment.apps/edgeai-cloud rolled out")
            let writes = await cluster.writes
            #expect(writes.filter { $0.method == "PATCH" }.allSatisfy { $0.contentType == "application/apply-patch+yaml" && $0.fieldManager == "edgeai" })
            let deployment = try #require(await cluster.object("/apis/apps/v1/namespaces/edgeai-system/deployments/edgeai-cloud"))
            #expect(deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == Self.image)
            let secretPath = "/api/v1/namespaces/edgeai-system/secrets/edgeai-cluster"
            let secret = try ClusterSecretObject(secret: #require(await cluster.object(secretPath)))
            #expect(!first.stdout.contains(secret.clusterKey.base64) && !first.stderr.contains(secret.clusterKey.base64))
            #expect(secret.caCertificatePEM.contains("BEGIN CERTIFICATE"))
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/.edgeai"), "install wrote key material to disk")

            let again = try await CLIProcess.run(["install", "--image", Self.image, "--wait-seconds", "0"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains("deployment.apps/edgeai-cloud unchanged"))
            #expect(again.stdout.contains("secret/edgeai-cluster unchanged"))
            #expect(try ClusterSecretObject(secret: #require(await cluster.object(secretPath))).clusterKey.base64 == secret.clusterKey.base64)
        }
    }

    @Test func nodeAddAndRotateUseTheClusterSecret() async throws {
        try await StandInCluster.with { cluster, kubeconfig, directory in
            let environment = ["KUBECONFIG": kubeconfig]
            let missing = try await CLIProcess.run(["node", "add", "edge-1"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("run `edgeai install --image …` first"), "\(missing)")
            _ = try await CLIProcess.run(["install", "--image", Self.image, "--wait-seconds", "0"], stdin: nil, environment: environment, workingDirectory: directory.path)
            let secretPath = "/api/v1/namespaces/edgeai-system/secrets/edgeai-cluster"
            let before = try ClusterSecretObject(secret: #require(await cluster.object(secretPath)))

            let added = try await CLIProcess.run(["node", "add", "edge-1"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(added.status == 0, "\(added)")
            // The EdgeNode carries the generation of the token printed; re-adding moves it on.
            let edgeNodePath = "/apis/edgeai.io/v1alpha1/edgenodes/edge-1"
            let generation = try #require(await cluster.object(edgeNodePath)?["spec"]?["tokenGeneration"]?.intValue)
            let token = try NodeToken.issue(node: "edge-1", generation: UInt64(generation), secret: before.clusterKey)
            #expect(added.stdout.contains(token))
            #expect(!added.stdout.contains(try NodeToken.issue(node: "edge-1", secret: before.clusterKey)))
            let readded = try await CLIProcess.run(["node", "add", "edge-1"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(readded.status == 0, "\(readded)")
            let next = try #require(await cluster.object(edgeNodePath)?["spec"]?["tokenGeneration"]?.intValue)
            #expect(next > generation)
            #expect(!readded.stdout.contains(token))
            let revoked = try await CLIProcess.run(["node", "revoke", "edge-1"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(revoked.status == 0, "\(revoked)")
            #expect(revoked.stdout == "edgenode.edgeai.io/edge-1 revoked\n")
            #expect(try #require(await cluster.object(edgeNodePath)?["spec"]?["tokenGeneration"]?.intValue) > next)
            let unknown = try await CLIProcess.run(["node", "revoke", "edge-9"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(unknown.status == 1)
            #expect(added.stdout.contains("kubectl label node edge-1 node-role.kubernetes.io/edge= --overwrite"))
            #expect(added.stdout.contains("/etc/edgeai/token") && added.stdout.contains(before.caCertificatePEM.trimmingCharacters(in: .newlines)))

            let rotated = try await CLIProcess.run(["token", "rotate", "--grace", "2h"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(rotated.status == 0, "\(rotated)")
            let after = try ClusterSecretObject(secret: #require(await cluster.object(secretPath)))
            #expect(after.clusterKey.base64 != before.clusterKey.base64)
            #expect(after.caCertificatePEM == before.caCertificatePEM)
            let valid = after.retired.valid(at: Date().addingTimeInterval(3600))
            #expect(valid.map(\.base64) == [before.clusterKey.base64])
            #expect(after.retired.valid(at: Date().addingTimeInterval(3 * 3600)).isEmpty)
            #expect(NodeToken.verify(token, secret: after.clusterKey) == nil)
            #expect(!rotated.stdout.contains(before.clusterKey.base64) && !rotated.stdout.contains(after.clusterKey.base64))
            #expect(await cluster.writes.contains { $0.method == "PUT" && $0.path == secretPath })

            let bad = try await CLIProcess.run(["token", "rotate", "--grace", "1y"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(bad.status != 0 && bad.stderr.contains("--grace must be"), "\(bad)")
        }
    }

    @Test func uninstallDeletesWhatInstallCreatedAndTheCRDsOnlyWhenAsked() async throws {
        try await StandInCluster.with { cluster, kubeconfig, directory in
            let environment = ["KUBECONFIG": kubeconfig]
            _ = try await CLIProcess.run(["install", "--image", Self.image, "--wait-seconds", "0"], stdin: nil, environment: environment, workingDirectory: directory.path)
            let removed = try await CLIProcess.run(["uninstall"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(removed.status == 0, "\(removed)")
            #expect(removed.stdout.split(separator: "\n").first == "daemonset.apps/edgeai-edge deleted")
            #expect(removed.stdout.contains("secret/edgeai-cluster deleted"))
            let left = await cluster.objects.keys.sorted()
            #expect(left == [
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/datasets.edgeai.io",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/edgenodes.edgeai.io",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/models.edgeai.io",
            ])
            let all = try await CLIProcess.run(["uninstall", "--crds"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(all.status == 0, "\(all)")
            #expect(all.stdout.contains("customresourcedefinition.apiextensions.k8s.io/datasets.edgeai.io deleted"))
            #expect(all.stdout.contains("deployment.apps/edgeai-cloud not found"))
            #expect(await cluster.objects.isEmpty)
        }
    }

    /// The embedded server serves no Deployments: install says so and which object it stopped at.
    @Test func installAgainstTheEmbeddedServerSaysWhatIsMissing() async throws {
        try await withCluster { cluster, _ in
            let result = try await cluster.run(["install", "--image", Self.image])
            #expect(result.status == 1)
            #expect(result.stderr.contains("the API server does not serve"), "\(result)")
            #expect(result.stderr.contains("not the embedded edgeai server"), "\(result)")
        }
    }

    @Test func rolloutProgressGraceAndRetiredKeysParse() throws {
        let deployment: JSONValue = [
            "kind": "Deployment", "metadata": ["generation": 2], "spec": ["replicas": 1],
            "status": ["observedGeneration": 1, "updatedReplicas": 1, "availableReplicas": 1],
        ]
        #expect(RolloutWait.progress(deployment).done == false, "an old generation's status is not the rollout")
        var current = deployment
        current["status"]?["observedGeneration"] = 2
        #expect(RolloutWait.progress(current) == (true, "1/1 updated, 1/1 available"))
        #expect(RolloutWait.progress(["kind": "DaemonSet", "status": [:]]).line.contains("no node is labelled"))

        #expect(try Token.Rotate.parseGrace("90s") == .seconds(90))
        #expect(try Token.Rotate.parseGrace("24h") == .seconds(86_400))
        #expect(try Token.Rotate.parseGrace("0") == .zero)
        for bad in ["", "h", "-1h", "31d", "1y", "1.5h"] { #expect(throws: (any Error).self, "\(bad)") { try Token.Rotate.parseGrace(bad) } }

        let now = Date(timeIntervalSince1970: 1_000_000)
        let key = ClusterSecret.generate()
        let retired = RetiredClusterKeys().adding(key, until: now.addingTimeInterval(60), now: now)
        let parsed = try RetiredClusterKeys(parsing: retired.text)
        #expect(parsed.valid(at: now).map(\.base64) == [key.base64])
        #expect(parsed.valid(at: now.addingTimeInterval(61)).isEmpty)
        #expect(parsed.nextExpiry(after: now) == now.addingTimeInterval(60))
        #expect(!"\(parsed)".contains(key.base64))
        #expect(throws: PKIError.self) { try RetiredClusterKeys(parsing: "\(key.base64)\n") }
        #expect(throws: PKIError.self) { try RetiredClusterKeys(parsing: "notbase64 100\n") }
        var many = RetiredClusterKeys()
        for _ in 0..<20 { many = many.adding(ClusterSecret.generate(), until: now.addingTimeInterval(60), now: now) }
        #expect(many.keys.count == RetiredClusterKeys.maxKeys)
    }
}
