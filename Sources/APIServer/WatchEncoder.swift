import EdgeAIAPI
import Foundation
import JSON
import ObjectStore

/// Turns store events into watch lines (`{"type":...,"object":...}\n`), applying selectors as
/// kube-apiserver does: an object leaving the selection is DELETED, one entering it is ADDED.
/// Pure apart from the clock used for Table ages.
struct WatchEncoder: Sendable {
    let definition: ResourceDefinition
    let options: ListOptions
    let table: Bool

    func line(for event: StoreEvent) -> [UInt8]? {
        var type: String
        switch event.type {
        case .added: type = "ADDED"
        case .modified: type = "MODIFIED"
        case .deleted: type = "DELETED"
        }
        let needsParse = table || options.hasSelectors || event.type == .deleted
        guard needsParse else { return Self.wrap(type, rawObject: event.object.value) }
        guard var object = try? JSONParser.parse(event.object.value) else { return nil }
        if event.type == .deleted {
            object["metadata"]?["resourceVersion"] = .string(String(event.object.revision))
        }
        if options.hasSelectors {
            let now = options.matches(object)
            switch event.type {
            case .added, .deleted:
                if !now { return nil }
            case .modified:
                let before = event.previous.flatMap { try? JSONParser.parse($0.value) }.map(options.matches) ?? now
                switch (before, now) {
                case (false, false): return nil
                case (true, false): type = "DELETED"
                case (false, true): type = "ADDED"
                case (true, true): break
                }
            }
        }
        return encode(type, object)
    }

    func added(_ stored: StoredObject) -> [UInt8]? {
        if !table && !options.hasSelectors { return Self.wrap("ADDED", rawObject: stored.value) }
        guard let object = try? JSONParser.parse(stored.value) else { return nil }
        if options.hasSelectors && !options.matches(object) { return nil }
        return encode("ADDED", object)
    }

    func encode(_ type: String, _ object: JSONValue) -> [UInt8] {
        if table {
            let rv = object["metadata"]?["resourceVersion"]?.stringValue ?? ""
            let t = TableConverter(definition: definition).table(objects: [object], resourceVersion: rv)
            return Self.wrap(type, rawObject: JSONWriter.bytes(t))
        }
        return Self.wrap(type, rawObject: JSONWriter.bytes(object))
    }

    /// A BOOKMARK at `revision`; `initialEventsEnd` marks the end of a streaming list's initial
    /// events with the annotation `k8s.io/initial-events-end: "true"` (KEP-3157).
    func bookmark(revision: Int64, initialEventsEnd: Bool = false) -> [UInt8] {
        var metadata: JSONValue = ["resourceVersion": .string(String(revision)), "creationTimestamp": nil]
        if initialEventsEnd { metadata["annotations"] = [Self.initialEventsEndAnnotation: "true"] }
        let object: JSONValue = [
            "kind": .string(definition.type.kind), "apiVersion": .string(definition.type.apiVersion), "metadata": metadata,
        ]
        return Self.wrap("BOOKMARK", rawObject: JSONWriter.bytes(object))
    }

    static let initialEventsEndAnnotation = "k8s.io/initial-events-end"

    static func error(_ error: APIError) -> [UInt8] {
        wrap("ERROR", rawObject: JSONWriter.bytes(error.status))
    }

    static func wrap(_ type: String, rawObject: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rawObject.count + 32)
        out.append(contentsOf: "{\"type\":\"".utf8)
        out.append(contentsOf: type.utf8)
        out.append(contentsOf: "\",\"object\":".utf8)
        out.append(contentsOf: rawObject)
        out.append(contentsOf: "}\n".utf8)
        return out
    }
}
