import ArgumentParser
import EdgeAICore
import Foundation
import JSON

/// `edgeai-bench json`: the hand-written ``JSONParser``/``JSONWriter`` against Foundation's
/// `JSONDecoder`/`JSONEncoder` (which also decode and encode ``JSONValue``), on the API server's
/// real payloads: one Dataset as the server stores it, and a list of 3,000 of them as a list
/// response carries them. Both sides produce the same ``JSONValue`` / the same sorted-key bytes.
struct JSONBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "json", abstract: "Benchmark JSON decoding and encoding.")

    @Option(help: "Repetitions of the single-object decode.")
    var decodes = 20_000

    @Option(help: "Repetitions of the 3,000-item list encode and decode.")
    var lists = 20

    func run() throws {
        let dataset = Self.dataset(index: 0)
        let bytes = JSONWriter.bytes(dataset)
        let list = JSONValue.object([
            "apiVersion": "edgeai.io/v1alpha1", "kind": "DatasetList",
            "metadata": .object(["resourceVersion": "3001"]),
            "items": .array((0..<3000).map(Self.dataset(index:))),
        ])
        let listBytes = JSONWriter.bytes(list)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let decoder = JSONDecoder()
        // Both sides must agree before they are timed.
        guard try JSONParser.parse(bytes) == decoder.decode(JSONValue.self, from: Data(bytes)),
              try JSONParser.parse(listBytes) == decoder.decode(JSONValue.self, from: Data(listBytes)),
              try Array(encoder.encode(list)) == listBytes
        else { throw ValidationError("JSONParser/JSONWriter and Foundation disagree") }
        print("payloads: Dataset \(bytes.count) B, list of 3,000 \(listBytes.count) B")

        let decodeOurs = try time(decodes) { _ = try JSONParser.parse(bytes) }
        let decodeFoundation = try time(decodes) { _ = try decoder.decode(JSONValue.self, from: Data(bytes)) }
        report("decode one Dataset", decodeOurs, decodeFoundation, count: decodes)
        let listDecodeOurs = try time(lists) { _ = try JSONParser.parse(listBytes) }
        let listDecodeFoundation = try time(lists) { _ = try decoder.decode(JSONValue.self, from: Data(listBytes)) }
        report("decode a 3,000-item list", listDecodeOurs, listDecodeFoundation, count: lists)
        let encodeOurs = try time(lists) { _ = JSONWriter.bytes(list) }
        let encodeFoundation = try time(lists) { _ = try encoder.encode(list) }
        report("encode a 3,000-item list", encodeOurs, encodeFoundation, count: lists)
    }

    private func time(_ count: Int, _ body: () throws -> Void) throws -> Duration {
        try body()  // warm-up
        return try ContinuousClock().measure { for _ in 0..<count { try body() } }
    }

    private func report(_ name: String, _ ours: Duration, _ foundation: Duration, count: Int) {
        let per = { (d: Duration) in String(format: "%.1f µs", d.seconds * 1e6 / Double(count)) }
        print("\(name): JSONParser/Writer \(per(ours)), Foundation \(per(foundation)) — \(String(format: "%.2f", foundation.seconds / ours.seconds))× faster")
    }

    /// A Dataset as the API server stores it after a status report.
    static func dataset(index: Int) -> JSONValue {
        .object([
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
            "metadata": .object([
                "name": .string("dataset-\(index)"), "namespace": "default",
                "uid": .string("6f1c2a9e-0000-4000-8000-\(String(format: "%012d", index))"),
                "resourceVersion": .string("\(index + 1)"), "generation": 1,
                "creationTimestamp": "2026-12-01T08:00:00Z",
                "labels": .object(["site": "factory-3", "team": "vision"]),
                "managedFields": .array([.object([
                    "manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "edgeai.io/v1alpha1",
                    "time": "2026-12-01T08:00:00Z", "fieldsType": "FieldsV1",
                    "fieldsV1": .object(["f:spec": .object(["f:dataUrl": .object([:]), "f:format": .object([:]), "f:nodeName": .object([:])])]),
                ])]),
            ]),
            "spec": .object([
                "url": .string("/data/dataset-\(index)/index.txt"), "format": "txt", "nodeName": .string("edge\(index % 100)"),
            ]),
            "status": .object([
                "numberOfSamples": .int(Int64(10_000 + index)), "observedGeneration": 1,
                "updateTime": "2026-12-01T08:00:01.123456Z",
                "conditions": .array([.object([
                    "type": "Ready", "status": "True", "reason": "Counted", "message": "counted by edge node",
                    "lastTransitionTime": "2026-12-01T08:00:01Z", "observedGeneration": 1,
                ])]),
            ]),
        ])
    }
}
