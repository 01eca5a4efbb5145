import ArgumentParser
import EdgeAIAPI
import Foundation
import JSON
import KubeClient
import NodeCommands

/// `edgeai describe TYPE [NAME…]`: spec, status with conditions, and the object's events.
///
/// Without names it describes every object of the type in the namespace (or matching `-l`).
/// Events are looked up by involved object; a server that refuses to list them still gets the
/// description, with `Events: <unavailable>`.
struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a dataset's or model's spec, status, conditions and events.",
        discussion: "Example: edgeai describe dataset sample")

    @OptionGroup var client: ClientOptions

    @Argument(help: "datasets | models (or dataset, dset, model, mdl), optionally TYPE/NAME.")
    var type: String

    @Argument(help: "Names of objects to describe (default: all in the namespace).")
    var names: [String] = []

    @Option(name: [.customShort("l"), .long], help: "Label selector.")
    var selector: String?

    func run() async throws {
        try await reportingErrors {
            var names = self.names
            let kind: ResourceKind
            if let (k, name) = try ResourceKind.splitSlash(type) {
                kind = k
                names.insert(name, at: 0)
            } else {
                kind = try ResourceKind.resolve(type)
            }
            try await client.withClient { kube, config in
                let namespace = client.effectiveNamespace(config)
                var objects: [JSONValue] = []
                if names.isEmpty {
                    objects = try await kube.list(kind.type, namespace: namespace, options: ListOptions(labelSelector: selector))["items"]?.arrayValue ?? []
                    if objects.isEmpty {
                        printError(GetRun.noResources(namespace))
                        return
                    }
                } else {
                    for name in names { objects.append(try await kube.get(kind.type, namespace: namespace, name: name)) }
                }
                var texts: [String] = []
                for object in objects {
                    let events = try? await Self.events(kube, for: object, kind: kind)
                    texts.append(Describer.render(object, events: events, now: Date()))
                }
                writeOutput(texts.joined(separator: "\n\n\n"))
            }
        }
    }

    static let eventType = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)

    static func events(_ kube: KubeClient, for object: JSONValue, kind: ResourceKind) async throws -> [JSONValue] {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? ""
        let selector = "involvedObject.name=\(name),involvedObject.namespace=\(namespace),involvedObject.kind=\(kind.type.kind)"
        let list = try await kube.list(eventType, namespace: namespace, options: ListOptions(fieldSelector: selector))
        return list["items"]?.arrayValue ?? []
    }
}
