import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient

/// `edgeai create dataset|model NAME …`: creates one object from flags (no manifest needed).
///
/// The server validates it (format enum, name rules); an invalid object is refused with its field
/// paths and nothing is created. An existing name is an error (use `apply` to update).
struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a dataset or a model from flags.",
        subcommands: [CreateDataset.self, CreateModel.self])

    /// Posts `object` and prints `dataset.edgeai.io/NAME created` (or `-o` output).
    static func create(
        _ client: ClientOptions, kind: ResourceKind, name: String, spec: JSONValue, labels: [String], output: String?, dryRun: Bool
    ) async throws {
        try await reportingErrors {
            let format = try OutputFormat.parse(output)
            let labelMap = try parseLabels(labels)
            try await client.withClient { kube, config in
                let namespace = client.effectiveNamespace(config)
                var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
                if !labelMap.isEmpty { metadata["labels"] = .object(labelMap.mapValues { .string($0) }) }
                let object: JSONValue = ["apiVersion": .string(kind.type.apiVersion), "kind": .string(kind.type.kind), "metadata": metadata, "spec": spec]
                let created = try await kube.create(kind.type, namespace: namespace, object, options: WriteOptions(dryRun: dryRun))
                switch format {
                case .table, .wide: writeOutput("\(kind.objectName(name)) created\(dryRun ? " (server dry run)" : "")\n")
                default: writeOutput(ObjectPrinter.render([created], format: format, kind: kind, single: true))
                }
            }
        }
    }

    /// `k=v` strings to a label map. Pure.
    static func parseLabels(_ labels: [String]) throws(CLIError) -> [String: String] {
        var map: [String: String] = [:]
        for label in labels {
            guard let eq = label.firstIndex(of: "="), eq != label.startIndex else { throw CLIError("label \"\(label)\" is not KEY=VALUE") }
            map[String(label[..<eq])] = String(label[label.index(after: eq)...])
        }
        return map
    }
}

struct CreateDataset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Create a Dataset.",
        discussion: "Example: edgeai create dataset images --url /data/images/index.txt --format txt --node edge0",
        aliases: ["dset"])

    @OptionGroup var client: ClientOptions
    @Argument(help: "The dataset's name.") var name: String
    @Option(help: "Path or file:// URL of the data on the node (spec.dataUrl).") var url: String
    @Option(help: "txt, csv, jsonl, tfrecord or dir (spec.format).") var format: String
    @Option(help: "The edge node holding the data (spec.nodeName).") var node: String
    @Option(name: .customLong("label"), help: "A label KEY=VALUE (repeatable).") var labels: [String] = []
    @Option(name: .shortAndLong, help: "Output format: yaml, json or name.") var output: String?
    @Flag(help: "Validate on the server, create nothing.") var dryRun = false

    func run() async throws {
        try await Create.create(
            client, kind: .dataset, name: name, spec: ["dataUrl": .string(url), "format": .string(format), "nodeName": .string(node)],
            labels: labels, output: output, dryRun: dryRun)
    }
}

struct CreateModel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Create a Model.",
        discussion: "Example: edgeai create model resnet --url /models/resnet.onnx --format onnx",
        aliases: ["mdl"])

    @OptionGroup var client: ClientOptions
    @Argument(help: "The model's name.") var name: String
    @Option(help: "Path or file:// URL of the model on the nodes (spec.modelUrl).") var url: String
    @Option(help: "The model format, e.g. pb, onnx, saved_model (spec.format).") var format: String
    @Option(name: .customLong("label"), help: "A label KEY=VALUE (repeatable).") var labels: [String] = []
    @Option(name: .shortAndLong, help: "Output format: yaml, json or name.") var output: String?
    @Flag(help: "Validate on the server, create nothing.") var dryRun = false

    func run() async throws {
        try await Create.create(
            client, kind: .model, name: name, spec: ["modelUrl": .string(url), "format": .string(format)],
            labels: labels, output: output, dryRun: dryRun)
    }
}
