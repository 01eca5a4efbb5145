import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import JSON
import KubeClient
import ManifestYAML
import Testing

/// Every command run as the built `edgeai` binary against an in-process embedded API server:
/// what it prints, what it changes, and its exit status.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CommandTests {
    static let samples = """
        apiVersion: edgeai.io/v1alpha1
        kind: Dataset
        metadata:
          name: images
          labels: {team: vision}
        spec:
          dataUrl: /data/images/index.txt
          format: txt
          nodeName: edge0
        ---
        apiVersion: edgeai.io/v1alpha1
        kind: Model
        metadata:
          name: resnet
        spec:
          modelUrl: /models/resnet.onnx
          format: onnx
        """

    @Test func applyCreatesThenReportsUnchangedThenConfigured() async throws {
        try await withCluster { cluster, client in
            let path = try cluster.file("samples.yaml", Self.samples)

            let first = try await cluster.run(["apply", "-f", path])
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "dataset.edgeai.io/images created\nmodel.edgeai.io/resnet created\n")

            let again = try await cluster.run(["apply", "-f", path])
            #expect(again.stdout == "dataset.edgeai.io/images unchanged\nmodel.edgeai.io/resnet unchanged\n", "\(again)")

            let edited = try cluster.file("samples.yaml", Self.samples.replacingOccurrences(of: "format: txt", with: "format: csv"))
            let changed = try await cluster.run(["apply", "-f", edited])
            #expect(changed.stdout == "dataset.edgeai.io/images configured\nmodel.edgeai.io/resnet unchanged\n", "\(changed)")

            let stored = try await client.get(Dataset.self, namespace: "default", name: "images")
            #expect(stored.spec.format == "csv")
            #expect(stored.metadata.labels == ["team": "vision"])

            // A label someone else set survives; the one removed from the manifest goes.
            _ = try await client.patch(Dataset.resourceType, namespace: "default", name: "images", ["metadata": ["labels": ["owner": "ops"]]], type: .merge)
            let relabelled = try cluster.file("samples.yaml", Self.samples
                .replacingOccurrences(of: "format: txt", with: "format: csv").replacingOccurrences(of: "team: vision", with: "tier: gold"))
            let removed = try await cluster.run(["apply", "-f", relabelled])
            #expect(removed.stdout.hasPrefix("dataset.edgeai.io/images configured\n"), "\(removed)")
            #expect(try await client.get(Dataset.self, namespace: "default", name: "images").metadata.labels == ["owner": "ops", "tier": "gold"])

            // kubectl reads the same record of what was applied.
            let annotations = try await client.get(Dataset.self, namespace: "default", name: "images").metadata.annotations ?? [:]
            #expect(annotations["kubectl.kubernetes.io/last-applied-configuration"]?.contains("\"format\":\"csv\"") == true)

            // The first server-side apply records the applier's ownership (a write, as on a real
            // cluster); applying the same again changes nothing.
            let serverSide = try await cluster.run(["apply", "-f", relabelled, "--server-side"])
            #expect(serverSide.status == 0, "\(serverSide)")
            #expect(serverSide.stdout.hasSuffix("model.edgeai.io/resnet configured\n"), "\(serverSide)")
            let again2 = try await cluster.run(["apply", "-f", relabelled, "--server-side"])
            #expect(again2.stdout == "dataset.edgeai.io/images unchanged\nmodel.edgeai.io/resnet unchanged\n", "\(again2)")
        }
    }

    @Test func applyReadsDirectoriesAndStandardInput() async throws {
        try await withCluster { cluster, client in
            _ = try cluster.file("dir/b.yaml", Self.samples)
            _ = try cluster.file("dir/ignored.txt", "not yaml at all: [")
            let dir = cluster.directory.file("dir").path
            let fromDir = try await cluster.run(["apply", "-f", dir, "-n", "default"])
            #expect(fromDir.status == 0, "\(fromDir)")
            #expect(fromDir.stdout.contains("dataset.edgeai.io/images created"))

            let json = #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Model","metadata":{"name":"from-stdin"},"spec":{"modelUrl":"/m"}}"#
            let fromStdin = try await cluster.run(["apply", "-f", "-"], stdin: json)
            #expect(fromStdin.stdout == "model.edgeai.io/from-stdin created\n", "\(fromStdin)")
        }
    }

    @Test func applyRefusesBadInputWithoutApplyingAnything() async throws {
        try await withCluster { cluster, client in
            let broken = try cluster.file("broken.yaml", Self.samples + "\n---\nkind: [unclosed\n")
            let syntax = try await cluster.run(["apply", "-f", broken])
            #expect(syntax.status == 1)
            #expect(syntax.stdout.isEmpty)
            #expect(syntax.stderr.hasPrefix("error: \(broken): error parsing YAML: line"), "\(syntax)")
            #expect(syntax.stderr.split(separator: "\n").count == 1)

            let pod = try cluster.file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
            let wrongKind = try await cluster.run(["apply", "-f", pod])
            #expect(wrongKind.status == 1)
            #expect(wrongKind.stderr.contains("no matches for kind \"Pod\" in version \"v1\""))

            let invalid = try cluster.file("invalid.yaml", Self.samples.replacingOccurrences(of: "format: txt", with: "format: zip"))
            let refused = try await cluster.run(["apply", "-f", invalid])
            #expect(refused.status == 1)
            #expect(refused.stderr == "Error from server (Invalid): Dataset.edgeai.io \"images\" is invalid: spec.format: Unsupported value: \"zip\": supported values: \"txt\", \"csv\", \"jsonl\", \"tfrecord\", \"dir\"\n", "\(refused)")

            let missing = try await cluster.run(["apply", "-f", cluster.directory.file("nope.yaml").path])
            #expect(missing.status == 1 && missing.stderr.contains("does not exist"))

            let left = try await client.list(Dataset.self, namespace: "default")
            #expect(left.items.isEmpty)
        }
    }

    @Test func getPrintsTheServersPrinterColumnsAndEveryFormat() async throws {
        try await withCluster { cluster, client in
            var dataset = Dataset(
                metadata: ObjectMeta(name: "images", namespace: "default", labels: ["team": "vision"]),
                spec: DatasetSpec(dataUrl: "/data/images/index.txt", format: "txt", nodeName: "edge0"))
            dataset = try await client.create(dataset)
            dataset.status = DatasetStatus(numberOfSamples: 1200)
            _ = try await client.updateStatus(dataset)
            _ = try await client.create(namespaceType, namespace: nil, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "lab"]])
            _ = try await client.create(Dataset(
                metadata: ObjectMeta(name: "audio", namespace: "lab"), spec: DatasetSpec(dataUrl: "/a", format: "csv", nodeName: "edge1")))

            let table = try await cluster.run(["get", "datasets"])
            #expect(table.status == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "NUMBEROFSAMPLES", "NODE", "SPEC", "AGE"])
            #expect(lines[1].hasPrefix("images   1200              edge0   {\"dataUrl\":\"/data/images/index.txt\",\"format\":\"txt\",\"nodeName\":\"edge0\"}   "))

            let all = try await cluster.run(["get", "dset", "-A"])
            #expect(all.stdout.split(separator: "\n").map { $0.split(separator: " ").first ?? "" } == ["NAMESPACE", "default", "lab"], "\(all)")

            let kubectlOrder = try await cluster.run(["-n", "lab", "get", "dset", "-o", "name"])
            #expect(kubectlOrder.stdout == "dataset.edgeai.io/audio\n", "\(kubectlOrder)")

            let selected = try await cluster.run(["get", "dset", "-A", "-l", "team=vision", "-o", "name"])
            #expect(selected.stdout == "dataset.edgeai.io/images\n")

            let one = try await cluster.run(["get", "dataset/images", "-o", "json"])
            let object = try JSONParser.parse(Array(one.stdout.utf8))
            #expect(object["status"]?["numberOfSamples"] == 1200)
            #expect(one.stdout.hasPrefix("{\n    \"apiVersion\": \"edgeai.io/v1alpha1\",\n"))

            let yaml = try await cluster.run(["get", "dset", "-n", "lab", "-o", "yaml"])
            let list = try Manifests.parse(yaml.stdout)
            #expect(list.first?["kind"] == "List")
            #expect(list.first?["items"]?.arrayValue?.first?["metadata"]?["name"] == "audio")

            let wide = try await cluster.run(["get", "dset", "-o", "wide", "--no-headers"])
            #expect(wide.stdout.hasPrefix("images "))

            let empty = try await cluster.run(["get", "models"])
            #expect(empty.status == 0 && empty.stdout.isEmpty)
            #expect(empty.stderr == "No resources found in default namespace.\n")

            let missing = try await cluster.run(["get", "dset", "nope"])
            #expect(missing.status == 1 && missing.stdout.isEmpty)
            #expect(missing.stderr == "Error from server (NotFound): datasets.edgeai.io \"nope\" not found\n")

            let someMissing = try await cluster.run(["get", "dset", "nope", "images", "-o", "name"])
            #expect(someMissing.status == 1)
            #expect(someMissing.stdout == "dataset.edgeai.io/images\n")
            #expect(someMissing.stderr == "Error from server (NotFound): datasets.edgeai.io \"nope\" not found\n")

            let unknown = try await cluster.run(["get", "pods"])
            #expect(unknown.status == 1 && unknown.stderr.hasPrefix("error: the server doesn't have a resource type \"pods\""))

            let acrossNamespaces = try await cluster.run(["get", "dset", "images", "-A"])
            #expect(acrossNamespaces.status == 1 && acrossNamespaces.stderr.hasPrefix("error: a resource cannot be retrieved by name across all namespaces"))

            let badFormat = try await cluster.run(["get", "dset", "-o", "xml"])
            #expect(badFormat.status == 1 && badFormat.stderr.contains("allowed formats are"))
        }
    }

    @Test func getWatchPrintsOneLinePerChange() async throws {
        try await withCluster { cluster, client in
            _ = try await client.create(Dataset(
                metadata: ObjectMeta(name: "first", namespace: "default"), spec: DatasetSpec(dataUrl: "/a", format: "txt", nodeName: "edge0")))

            let watch = try CLIProcess.start(
                ["get", "dset", "-w", "--output-watch-events"], environment: ["KUBECONFIG": cluster.kubeconfig], workingDirectory: cluster.directory.path)
            let names = try CLIProcess.start(
                ["get", "mdl", "-w", "-o", "name"], environment: ["KUBECONFIG": cluster.kubeconfig], workingDirectory: cluster.directory.path)

            try await watch.waitForOutput("initial table") { $0.contains("ADDED      first") }
            #expect(watch.stdout().hasPrefix("EVENT      NAME    NUMBEROFSAMPLES   NODE    SPEC"))

            var second = try await client.create(Dataset(
                metadata: ObjectMeta(name: "second", namespace: "default"), spec: DatasetSpec(dataUrl: "/b", format: "txt", nodeName: "edge0")))
            try await watch.waitForOutput("ADDED second") { $0.contains("ADDED      second") }
            second.status = DatasetStatus(numberOfSamples: 77)
            _ = try await client.updateStatus(second)
            try await watch.waitForOutput("MODIFIED with the count") { $0.contains("MODIFIED   second   77") }
            try await client.delete(Dataset.self, namespace: "default", name: "second")
            try await watch.waitForOutput("DELETED second") { $0.contains("DELETED    second") }
            let lines = watch.stdout().split(separator: "\n")
            #expect(lines.count == 5, "\(watch.stdout())")

            // Watching two names shows changes to those two only.
            var third = try await client.create(Dataset(
                metadata: ObjectMeta(name: "third", namespace: "default"), spec: DatasetSpec(dataUrl: "/c", format: "txt", nodeName: "edge0")))
            let two = try CLIProcess.start(
                ["get", "dset", "first", "third", "-w", "--no-headers"], environment: ["KUBECONFIG": cluster.kubeconfig],
                workingDirectory: cluster.directory.path)
            try await two.waitForOutput("both rows") { $0.split(separator: "\n").count == 2 }
            _ = try await client.create(Dataset(
                metadata: ObjectMeta(name: "fourth", namespace: "default"), spec: DatasetSpec(dataUrl: "/d", format: "txt", nodeName: "edge0")))
            third.status = DatasetStatus(numberOfSamples: 5)
            _ = try await client.updateStatus(third)
            try await two.waitForOutput("third's count") { $0.contains("5 ") }
            #expect(two.stdout().split(separator: "\n").map { $0.split(separator: " ").first ?? "" } == ["first", "third", "third"], "\(two.stdout())")

            _ = try await client.create(Model(metadata: ObjectMeta(name: "resnet", namespace: "default"), spec: ModelSpec(modelUrl: "/m")))
            try await names.waitForOutput("model name") { $0 == "model.edgeai.io/resnet\n" }

            let interrupted = await watch.interrupt()
            #expect(interrupted != 0)
            _ = await names.interrupt()
            _ = await two.interrupt()
            #expect(watch.stderr().isEmpty)
        }
    }

    @Test func createMakesObjectsAndRefusesInvalidOnes() async throws {
        try await withCluster { cluster, client in
            let made = try await cluster.run(["create", "dataset", "images", "--url", "/data/i.txt", "--format", "txt", "--node", "edge0", "--label", "team=vision"])
            #expect(made.status == 0 && made.stdout == "dataset.edgeai.io/images created\n", "\(made)")
            let model = try await cluster.run(["create", "model", "resnet", "--url", "/m.onnx", "--format", "onnx", "-o", "yaml"])
            let created = try Manifests.parse(model.stdout)
            #expect(created.first?["spec"] == ["modelUrl": "/m.onnx", "format": "onnx"])

            let again = try await cluster.run(["create", "dataset", "images", "--url", "/x", "--format", "txt", "--node", "edge0"])
            #expect(again.status == 1)
            #expect(again.stderr == "Error from server (AlreadyExists): datasets.edgeai.io \"images\" already exists\n")

            let invalid = try await cluster.run(["create", "dataset", "Bad_Name", "--url", "/x", "--format", "txt", "--node", "edge0"])
            #expect(invalid.status == 1)
            #expect(invalid.stderr.hasPrefix("Error from server (Invalid): Dataset.edgeai.io \"Bad_Name\" is invalid: metadata.name"), "\(invalid)")

            let noNamespace = try await cluster.run(["create", "model", "m", "--url", "/m", "--format", "pb", "-n", "absent"])
            #expect(noNamespace.stderr == "Error from server (NotFound): namespaces \"absent\" not found\n")

            let missingFlag = try await cluster.run(["create", "dataset", "x", "--url", "/x", "--format", "txt"])
            #expect(missingFlag.status != 0 && missingFlag.stderr.contains("--node"))

            let stored = try await client.get(Dataset.self, namespace: "default", name: "images")
            #expect(stored.metadata.labels == ["team": "vision"] && stored.spec.nodeName == "edge0")
        }
    }

    @Test func describeShowsSpecStatusConditionsAndEvents() async throws {
        try await withCluster { cluster, client in
            var dataset = try await client.create(Dataset(
                metadata: ObjectMeta(name: "images", namespace: "default"), spec: DatasetSpec(dataUrl: "/data/i.txt", format: "txt", nodeName: "edge0")))
            dataset.status = DatasetStatus(
                numberOfSamples: 0, conditions: [Condition(type: "Ready", status: "False", reason: "NotFound", message: "no such file /data/i.txt", lastTransitionTime: .now())])
            dataset = try await client.updateStatus(dataset)
            let eventType = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)
            let now = Time.now().rfc3339
            _ = try await client.create(eventType, namespace: "default", [
                "apiVersion": "v1", "kind": "Event", "metadata": ["name": "images.1", "namespace": "default"],
                "involvedObject": ["kind": "Dataset", "name": "images", "namespace": "default", "uid": .string(dataset.metadata.uid ?? "")],
                "type": "Warning", "reason": "NotFound", "message": "no such file /data/i.txt", "source": ["component": "edgeai-edge"],
                "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
            ])
            _ = try await client.create(eventType, namespace: "default", [
                "apiVersion": "v1", "kind": "Event", "metadata": ["name": "other.1", "namespace": "default"],
                "involvedObject": ["kind": "Dataset", "name": "other", "namespace": "default"],
                "type": "Normal", "reason": "Unrelated", "message": "not about images",
            ])

            let described = try await cluster.run(["describe", "dset", "images"])
            #expect(described.status == 0, "\(described)")
            let text = described.stdout
            #expect(text.hasPrefix("Name:         images\nNamespace:    default\n"))
            #expect(text.contains("Spec:\n  Data URL:   /data/i.txt\n  Format:     txt\n  Node Name:  edge0\n"))
            #expect(text.contains("  Number Of Samples:  0\n"))
            #expect(text.contains("    Ready   False    NotFound"))
            #expect(text.contains("  Warning   NotFound   "))
            #expect(text.contains("edgeai-edge   no such file /data/i.txt"))
            #expect(!text.contains("Unrelated"))

            let missing = try await cluster.run(["describe", "model", "nope"])
            #expect(missing.status == 1 && missing.stderr == "Error from server (NotFound): models.edgeai.io \"nope\" not found\n")
        }
    }

    @Test func deleteByNameSelectorAndFile() async throws {
        try await withCluster { cluster, client in
            let path = try cluster.file("samples.yaml", Self.samples)
            _ = try await cluster.run(["apply", "-f", path])
            for name in ["a", "b"] {
                _ = try await cluster.run(["create", "dataset", name, "--url", "/x", "--format", "txt", "--node", "edge0", "--label", "tier=tmp"])
            }

            let byName = try await cluster.run(["delete", "dset", "a", "missing"])
            #expect(byName.status == 1)
            #expect(byName.stdout == "dataset.edgeai.io \"a\" deleted\n")
            #expect(byName.stderr == "Error from server (NotFound): datasets.edgeai.io \"missing\" not found\n")

            let ignoring = try await cluster.run(["delete", "dset", "missing", "--ignore-not-found"])
            #expect(ignoring.status == 0 && ignoring.stdout.isEmpty && ignoring.stderr.isEmpty)

            let bySelector = try await cluster.run(["delete", "dset", "-l", "tier=tmp"])
            #expect(bySelector.stdout == "dataset.edgeai.io \"b\" deleted\n", "\(bySelector)")

            let byFile = try await cluster.run(["delete", "-f", path])
            #expect(byFile.stdout == "dataset.edgeai.io \"images\" deleted\nmodel.edgeai.io \"resnet\" deleted\n", "\(byFile)")

            let noName = try await cluster.run(["delete", "dset"])
            #expect(noName.status == 1 && noName.stderr.contains("no name was specified"))

            #expect(try await client.list(Dataset.self, namespace: "default").items.isEmpty)
        }
    }

    @Test func versionAndCRDInstallAgainstTheEmbeddedServer() async throws {
        try await withCluster { cluster, client in
            let version = try await cluster.run(["version"])
            #expect(version.status == 0)
            #expect(version.stdout.hasPrefix("Client Version: v"))
            #expect(version.stdout.contains("Server Version: v1."), "\(version)")
            let json = try await cluster.run(["version", "-o", "json"])
            #expect(try JSONParser.parse(Array(json.stdout.utf8))["serverVersion"]?["gitVersion"] != nil)

            let install = try await cluster.run(["crds", "--install"])
            #expect(install.status == 0, "\(install)")
            #expect(install.stdout.contains("serves edgeai.io/v1alpha1 built in"))

            let out = cluster.directory.file("crds").path
            let written = try await cluster.run(["crds", "--output-dir", out])
            #expect(written.status == 0)
            let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
            #expect(files == ["datasets.edgeai.io.yaml", "edgenodes.edgeai.io.yaml", "models.edgeai.io.yaml"])
        }
    }
}
