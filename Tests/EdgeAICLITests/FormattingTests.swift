import EdgeAIAPI
import Foundation
import JSON
import KubeClient
import ManifestYAML
import NodeCommands
import Testing

@testable import edgeai

/// The pure parts of the CLI: what it prints for given values, and how it reads its arguments.
@Suite(.timeLimit(.minutes(5)))
struct FormattingTests {
    static let datasetTable = Table(
        metadata: ListMeta(resourceVersion: "7"),
        columnDefinitions: [
            TableColumnDefinition(name: "Name", type: "string", format: "name"),
            TableColumnDefinition(name: "NumberOfSamples", type: "integer"),
            TableColumnDefinition(name: "Node", type: "string"),
            TableColumnDefinition(name: "Size", type: "integer", priority: 1),
            TableColumnDefinition(name: "Age", type: "date"),
        ],
        rows: [
            TableRow(cells: ["images", 1200, "edge0", 4096, "5m"], object: ["metadata": ["name": "images", "namespace": "default"]]),
            TableRow(cells: ["a-much-longer-name", nil, "edge12", nil, "3d"], object: ["metadata": ["name": "a-much-longer-name", "namespace": "lab"]]),
        ])

    @Test func tableMatchesKubectlLayout() {
        let text = TablePrinter().render(Self.datasetTable)
        #expect(text == """
            NAME                 NUMBEROFSAMPLES   NODE     AGE
            images               1200              edge0    5m
            a-much-longer-name   <none>            edge12   3d

            """)
    }

    @Test func wideShowsPriorityColumnsAndAllNamespacesAddsNamespace() {
        let text = TablePrinter(wide: true, withNamespace: true).render(Self.datasetTable)
        let lines = text.split(separator: "\n")
        #expect(lines[0] == "NAMESPACE   NAME                 NUMBEROFSAMPLES   NODE     SIZE     AGE")
        #expect(lines[1] == "default     images               1200              edge0    4096     5m")
        #expect(lines[2] == "lab         a-much-longer-name   <none>            edge12   <none>   3d")
    }

    @Test func emptyTableRendersNothing() {
        var table = Self.datasetTable
        table.rows = []
        #expect(TablePrinter().render(table) == "")
        #expect(GetRun.noResources("default") == "No resources found in default namespace.")
        #expect(GetRun.noResources(nil) == "No resources found")
    }

    @Test func cellsPrintAsKubectlPrintsThem() {
        #expect(TablePrinter.cell(nil) == "<none>")
        #expect(TablePrinter.cell(3.0) == "3")
        #expect(TablePrinter.cell(0.25) == "0.25")
        #expect(TablePrinter.cell(true) == "true")
        #expect(TablePrinter.cell(["a": 1]) == "{\"a\":1}")
    }

    @Test func jsonIsIndentedWithSortedKeys() {
        let value: JSONValue = ["spec": ["nodeName": "edge0", "dataUrl": "/d"], "kind": "Dataset", "list": [1, 2], "empty": [:]]
        #expect(ObjectPrinter.prettyJSON(value) == """
            {
                "empty": {},
                "kind": "Dataset",
                "list": [
                    1,
                    2
                ],
                "spec": {
                    "dataUrl": "/d",
                    "nodeName": "edge0"
                }
            }
            """)
    }

    @Test func severalObjectsPrintAsAListOneAsItself() throws {
        let a: JSONValue = ["kind": "Dataset", "metadata": ["name": "a"]]
        let b: JSONValue = ["kind": "Dataset", "metadata": ["name": "b"]]
        #expect(ObjectPrinter.render([a, b], format: .name, kind: .dataset, single: false) == "dataset.edgeai.io/a\ndataset.edgeai.io/b\n")
        let list = try Manifests.parse(ObjectPrinter.render([a, b], format: .yaml, kind: .dataset, single: false))
        #expect(list.first?["kind"] == "List")
        #expect(list.first?["items"]?.arrayValue?.count == 2)
        let one = try Manifests.parse(ObjectPrinter.render([a], format: .json, kind: .dataset, single: true))
        #expect(one == [a])
    }

    @Test func outputFormatsAreChecked() throws {
        #expect(try OutputFormat.parse(nil) == .table)
        #expect(try OutputFormat.parse("wide") == .wide)
        let error = #expect(throws: OutputFormat.Unknown.self) { try OutputFormat.parse("xml") }
        #expect(error?.description.contains("allowed formats are: json, name, wide, yaml") == true)
    }

    @Test func resourceNamesResolveLikeKubectl() throws {
        for name in ["datasets", "dataset", "dset", "Dataset", "datasets.edgeai.io", "DSET"] {
            #expect(try ResourceKind.resolve(name) == .dataset)
        }
        for name in ["models", "model", "mdl", "models.edgeai.io"] {
            #expect(try ResourceKind.resolve(name) == .model)
        }
        let error = #expect(throws: ResourceKind.UnknownResource.self) { try ResourceKind.resolve("ds") }
        #expect(error?.description.hasPrefix("the server doesn't have a resource type \"ds\"") == true)
        let split = try #require(try ResourceKind.splitSlash("mdl/resnet"))
        #expect(split.0 == .model && split.1 == "resnet")
        #expect(try ResourceKind.splitSlash("models") == nil)
    }

    @Test func manifestKindsMustBeDatasetOrModelOfOurGroup() throws {
        #expect(try ResourceKind.forObject(["apiVersion": "edgeai.io/v1alpha1", "kind": "Model"]) == .model)
        let other = #expect(throws: CLIError.self) { try ResourceKind.forObject(["apiVersion": "v1", "kind": "Pod"]) }
        #expect(other?.description.hasPrefix("no matches for kind \"Pod\" in version \"v1\"") == true)
        let noKind = #expect(throws: CLIError.self) { try ResourceKind.forObject(["apiVersion": "edgeai.io/v1alpha1"]) }
        #expect(noKind?.description == "kind not set")
    }

    @Test func kubeconfigLookupOrder() {
        let exists: (String) -> Bool = { $0 == "/work/.edgeai/kubeconfig" }
        #expect(KubeconfigSource.locate(flag: "/f", environment: ["KUBECONFIG": "/e"], currentDirectory: "/work", exists: exists) == .files("/f"))
        #expect(KubeconfigSource.locate(flag: nil, environment: ["KUBECONFIG": "/a:/b"], currentDirectory: "/work", exists: exists) == .files("/a:/b"))
        #expect(KubeconfigSource.locate(flag: nil, environment: [:], currentDirectory: "/work", exists: exists) == .files("/work/.edgeai/kubeconfig"))
        #expect(KubeconfigSource.locate(flag: nil, environment: ["KUBECONFIG": ""], currentDirectory: "/elsewhere", exists: exists) == .default)
    }

    @Test func applyBodyDropsStatusAndServerOwnedMetadata() {
        let copied: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
            "metadata": ["name": "a", "resourceVersion": "9", "uid": "u", "managedFields": [], "labels": ["x": "y"]],
            "spec": ["dataUrl": "/d"], "status": ["numberOfSamples": 3],
        ]
        let body = Apply.applyBody(copied, namespace: "lab")
        #expect(body["status"] == nil)
        #expect(body["metadata"] == ["name": "a", "namespace": "lab", "labels": ["x": "y"]])
        #expect(body["spec"] == ["dataUrl": "/d"])
    }

    @Test func labelsParse() throws {
        #expect(try Create.parseLabels(["a=b", "c="]) == ["a": "b", "c": ""])
        #expect(throws: CLIError.self) { try Create.parseLabels(["=x"]) }
        #expect(throws: CLIError.self) { try Create.parseLabels(["novalue"]) }
    }

    @Test func errorsAreOneLineAndNameTheProblem() {
        let notFound = KubeError(kind: .api, code: 404, reason: "NotFound", message: "datasets.edgeai.io \"x\" not found")
        #expect(CLIErrorMessage.line(for: notFound) == "Error from server (NotFound): datasets.edgeai.io \"x\" not found")
        let invalid = KubeError(
            kind: .api, code: 422, reason: "Invalid", message: "Dataset.edgeai.io \"x\" is invalid",
            causes: [StatusCause(reason: "FieldValueRequired", message: "Required value", field: "spec.nodeName")])
        #expect(CLIErrorMessage.line(for: invalid) == "Error from server (Invalid): Dataset.edgeai.io \"x\" is invalid: spec.nodeName: Required value")
        let unauthorized = KubeError(kind: .api, code: 401, reason: "Unauthorized", message: "Unauthorized")
        #expect(CLIErrorMessage.line(for: unauthorized, server: "https://h:1").hasPrefix("error: the API server at https://h:1 rejected the credentials (401 Unauthorized)"))
        let refused = KubeError(kind: .network, code: 0, reason: "NetworkError", message: "connect(descriptor:addr:size:): Connection refused (errno: 111)")
        #expect(CLIErrorMessage.line(for: refused, server: "https://h:1") == "error: cannot reach the API server at https://h:1: connection refused (is the server running?)")
        let noCRDs = KubeError(kind: .api, code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        #expect(CLIErrorMessage.line(for: noCRDs).hasSuffix("does not serve edgeai.io/v1alpha1 datasets and models (on a real cluster, install the CRDs: edgeai crds --install)"))
        let multi = CLIError("first\nsecond")
        #expect(CLIErrorMessage.line(for: multi) == "error: first; second")
    }

    @Test func describeLaysOutSpecStatusConditionsAndEvents() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let object: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
            "metadata": ["name": "images", "namespace": "default", "labels": ["team": "vision"], "generation": 2],
            "spec": ["dataUrl": "/data/images.txt", "format": "txt", "nodeName": "edge0"],
            "status": [
                "numberOfSamples": 1200,
                "conditions": [["type": "Ready", "status": "False", "reason": "NotFound", "message": "no such file", "lastTransitionTime": "2027-01-15T08:00:00Z"]],
            ],
        ]
        let event: JSONValue = [
            "type": "Warning", "reason": "NotFound", "message": "no such file", "count": 3,
            "firstTimestamp": .string(Time(now.addingTimeInterval(-600)).rfc3339), "lastTimestamp": .string(Time(now.addingTimeInterval(-30)).rfc3339),
            "source": ["component": "edgeai-edge"],
        ]
        let text = Describer.render(object, events: [event], now: now)
        #expect(text.contains("Name:         images\n"))
        #expect(text.contains("Labels:       team=vision\n"))
        #expect(text.contains("Spec:\n  Data URL:   /data/images.txt\n  Format:     txt\n  Node Name:  edge0\n"))
        #expect(text.contains("Status:\n  Number Of Samples:  1200\n  Conditions:\n    Type    Status   Reason     Last Transition"))
        #expect(text.contains("    Ready   False    NotFound   2027-01-15T08:00:00Z   no such file\n"))
        #expect(text.contains("  Warning   NotFound   30s (x3 over 10m)   edgeai-edge   no such file\n"))
        #expect(Describer.render(object, events: [], now: now).hasSuffix("Events:       <none>\n"))
        #expect(Describer.render(object, events: nil, now: now).hasSuffix("Events:       <unavailable>\n"))
    }

    @Test func describeListsModelNodesAndMetrics() {
        let model: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Model", "metadata": ["name": "resnet", "namespace": "default"],
            "spec": ["modelUrl": "/m.onnx", "format": "onnx"],
            "status": [
                "metrics": [["key": "accuracy", "value": "0.93"]],
                "nodes": [["nodeName": "edge0", "present": true, "sizeBytes": 1024], ["nodeName": "edge1", "present": false, "message": "no such file"]],
            ],
        ]
        let text = Describer.render(model, events: [], now: Date())
        #expect(text.contains("Kind:         Model\nSpec:\n"))
        #expect(text.contains("  Metrics:\n    Key:    accuracy\n    Value:  0.93\n"))
        #expect(text.contains("  Nodes:\n    Node Name:   edge0\n    Present:     true\n    Size Bytes:  1024\n"))
        #expect(text.contains("    Message:    no such file\n    Node Name:  edge1\n"))
    }

    @Test func keysBecomeTitles() {
        #expect(Describer.title("dataUrl") == "Data URL")
        #expect(Describer.title("numberOfSamples") == "Number Of Samples")
        #expect(Describer.title("uid") == "UID")
    }

    @Test func agesAreShortHumanDurations() {
        #expect(Age.human(5) == "5s")
        #expect(Age.human(200) == "3m20s")
        #expect(Age.human(25 * 60) == "25m")
        #expect(Age.human(125 * 60) == "125m")
        #expect(Age.human(5 * 3600 + 60 * 5) == "5h5m")
        #expect(Age.human(76 * 3600) == "3d4h")
        #expect(Age.human(-3) == "0s")
    }

    @Test func versionTextShowsServerWhenKnown() {
        #expect(Version.text(server: nil) == "Client Version: v\(EdgeAIVersion.current)\n")
        #expect(Version.text(server: ["gitVersion": "v1.32.0"]).hasSuffix("Server Version: v1.32.0\n"))
    }
}

/// Connection flags typed before the command, kubectl-style.
@Suite(.timeLimit(.minutes(5)))
struct GlobalArgumentsTests {
    @Test func leadingConnectionFlagsMoveBehindTheCommand() {
        #expect(GlobalArguments.normalize(["-n", "lab", "get", "dset"]) == ["get", "dset", "-n", "lab"])
        #expect(GlobalArguments.normalize(["--kubeconfig=/k", "--context", "c", "create", "model", "m", "--url", "/m"])
            == ["create", "model", "m", "--url", "/m", "--kubeconfig=/k", "--context", "c"])
        #expect(GlobalArguments.normalize(["-n", "lab", "get", "--", "x"]) == ["get", "-n", "lab", "--", "x"])
    }

    @Test func everythingElseStaysAsTyped() {
        #expect(GlobalArguments.normalize(["get", "dset", "-n", "lab"]) == ["get", "dset", "-n", "lab"])
        #expect(GlobalArguments.normalize(["--help"]) == ["--help"])
        #expect(GlobalArguments.normalize(["-n"]) == ["-n"])
        #expect(GlobalArguments.normalize([]) == [])
    }
}
