import EdgeAIAPI
import JSON

/// One of the dashboard's pages: the resource it lists and how one of its objects becomes a
/// ``Row``. Pure: rows are built from the API's JSON, no I/O.
struct PageKind: Sendable {
    struct Column: Sendable {
        var id: String
        var title: String
    }

    /// The URL segment (`/ui/fleet`, `/ui/datasets`, …).
    var id: String
    var title: String
    var resource: ResourceType
    var columns: [Column]
    /// Newest first (events): rows are sorted by the `time` cell and live rows are prepended.
    var newestFirst = false
    var row: @Sendable (JSONValue) -> Row

    static let all: [PageKind] = [.fleet, .datasets, .models, .events]

    static func named(_ id: String) -> PageKind? { all.first { $0.id == id } }

    /// The page whose resource has this `kind` (an event's `involvedObject`).
    static func forObjectKind(_ kind: String) -> PageKind? { all.first { $0.resource.kind == kind } }

    static let eventResource = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)

    static func yamlPath(_ page: String, namespace: String?, name: String) -> String {
        "/ui/yaml/\(page)/\(HTML.queryComponent(namespace ?? "_"))/\(HTML.queryComponent(name))"
    }

    /// Name, namespace, key and YAML path, the part every row shares.
    static func base(_ page: String, _ object: JSONValue) -> Row {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let namespace = object["metadata"]?["namespace"]?.stringValue
        return Row(
            key: namespace.map { "\($0)/\(name)" } ?? name, name: name, namespace: namespace, cells: ["name": name, "namespace": namespace ?? ""],
            yamlPath: yamlPath(page, namespace: namespace, name: name))
    }

    static func condition(_ object: JSONValue, _ type: String) -> JSONValue? {
        object["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    static func labels(_ object: JSONValue) -> String {
        let labels = object["metadata"]?["labels"]?.objectValue ?? [:]
        return labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ", ")
    }

    static func int(_ value: JSONValue?) -> String { value?.intValue.map(String.init) ?? "" }

    static let fleet = PageKind(
        id: "fleet", title: "Fleet", resource: EdgeNode.resourceType,
        columns: [
            Column(id: "name", title: "Node"), Column(id: "phase", title: "Status"), Column(id: "since", title: "Since"),
            Column(id: "heartbeat", title: "Last heartbeat"), Column(id: "datasets", title: "Datasets"),
            Column(id: "models", title: "Models"), Column(id: "version", title: "Agent"), Column(id: "labels", title: "Labels"),
        ],
        row: { object in
            var row = base("fleet", object)
            let phase = object["status"]?["phase"]?.stringValue ?? EdgeNodePhase.pending.rawValue
            row.phase = phase
            row.cells["phase"] = phase
            row.cells["since"] = condition(object, EdgeNodeConditions.ready)?["lastTransitionTime"]?.stringValue ?? ""
            row.cells["heartbeat"] = object["status"]?["lastHeartbeatTime"]?.stringValue ?? ""
            row.cells["datasets"] = int(object["status"]?["datasets"])
            row.cells["models"] = int(object["status"]?["models"])
            row.cells["version"] = object["status"]?["agentVersion"]?.stringValue ?? ""
            row.cells["labels"] = labels(object)
            return row
        })

    static let datasets = PageKind(
        id: "datasets", title: "Datasets", resource: Dataset.resourceType,
        columns: [
            Column(id: "name", title: "Dataset"), Column(id: "namespace", title: "Namespace"), Column(id: "node", title: "Node"),
            Column(id: "format", title: "Format"), Column(id: "samples", title: "Samples"), Column(id: "ready", title: "Ready"),
            Column(id: "reachable", title: "Node reachable"), Column(id: "updated", title: "Updated"),
        ],
        row: { object in
            var row = base("datasets", object)
            row.cells["node"] = object["spec"]?["nodeName"]?.stringValue ?? ""
            row.cells["format"] = object["spec"]?["format"]?.stringValue ?? ""
            let samples = object["status"]?["numberOfSamples"]?.intValue
            row.samples = samples
            row.point = samples.map(Double.init)
            row.cells["samples"] = samples.map(String.init) ?? ""
            let ready = condition(object, "Ready")
            row.cells["ready"] = [ready?["status"]?.stringValue, ready?["reason"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            // NodeReachable is absent while the node is reachable.
            let reachable = condition(object, EdgeNodeConditions.nodeReachable)
            row.cells["reachable"] =
                reachable.map { [$0["status"]?.stringValue, $0["reason"]?.stringValue].compactMap { $0 }.joined(separator: " ") } ?? "True"
            row.cells["updated"] = object["status"]?["updateTime"]?.stringValue ?? ""
            return row
        })

    static let models = PageKind(
        id: "models", title: "Models", resource: Model.resourceType,
        columns: [
            Column(id: "name", title: "Model"), Column(id: "namespace", title: "Namespace"), Column(id: "url", title: "URL"),
            Column(id: "format", title: "Format"), Column(id: "digest", title: "Digest"), Column(id: "delivered", title: "Delivered"),
            Column(id: "nodes", title: "Per node"), Column(id: "metrics", title: "Metrics"), Column(id: "generation", title: "Generation"),
        ],
        row: { object in
            var row = base("models", object)
            row.cells["url"] = object["spec"]?["modelUrl"]?.stringValue ?? ""
            row.cells["format"] = object["spec"]?["format"]?.stringValue ?? ""
            // `sha256:` and the first 12 hex digits, as image digests are shown.
            row.cells["digest"] = object["spec"]?["digest"]?.stringValue.map { String($0.prefix(19)) } ?? ""
            let nodes = object["status"]?["nodes"]?.arrayValue ?? []
            let done = nodes.filter { $0["present"]?.boolValue == true || $0["phase"]?.stringValue == "Ready" }.count
            row.delivered = (done, nodes.count)
            row.cells["delivered"] = "\(done)/\(nodes.count)"
            row.cells["nodes"] = nodes.prefix(20).map(Self.nodeState).joined(separator: "; ") + (nodes.count > 20 ? "; …" : "")
            let metrics = object["status"]?["metrics"]?.arrayValue ?? []
            row.point = metrics.lazy.compactMap { $0["value"]?.stringValue.flatMap(Double.init) }.first { $0.isFinite }
            row.cells["metrics"] = metrics.prefix(10).map { "\($0["key"]?.stringValue ?? "")=\($0["value"]?.stringValue ?? "")" }
                .joined(separator: ", ")
            row.cells["generation"] = int(object["metadata"]?["generation"])
            return row
        })

    /// One node's entry of a Model's status: its delivery phase and progress when the model is
    /// remote (`edge0: Downloading 45 % (1 MiB of 2 MiB)`, `Failed DigestMismatch`), else presence.
    static func nodeState(_ node: JSONValue) -> String {
        let name = node["nodeName"]?.stringValue ?? "?"
        if let phase = node["phase"]?.stringValue {
            var text = "\(name): \(phase)"
            if phase == "Downloading", let done = node["bytesDone"]?.intValue, let total = node["bytesTotal"]?.intValue, total > 0 {
                text += " \(done * 100 / total) % (\(done) of \(total) B)"
            }
            if phase == "Failed", let reason = node["reason"]?.stringValue { text += " \(reason)" }
            return text
        }
        let state = node["present"]?.boolValue == true ? "present" : (node["message"]?.stringValue ?? "pending")
        let size = node["sizeBytes"]?.intValue.map { " \($0) B" } ?? ""
        return "\(name): \(state)\(size)"
    }

    static let events = PageKind(
        id: "events", title: "Events", resource: eventResource,
        columns: [
            Column(id: "time", title: "Last seen"), Column(id: "type", title: "Type"), Column(id: "reason", title: "Reason"),
            Column(id: "object", title: "Object"), Column(id: "message", title: "Message"), Column(id: "count", title: "Count"),
        ],
        newestFirst: true,
        row: { object in
            var row = base("events", object)
            row.cells["time"] =
                object["lastTimestamp"]?.stringValue ?? object["eventTime"]?.stringValue
                ?? object["metadata"]?["creationTimestamp"]?.stringValue ?? ""
            row.cells["type"] = object["type"]?.stringValue ?? ""
            row.cells["reason"] = object["reason"]?.stringValue ?? ""
            row.cells["message"] = object["message"]?.stringValue ?? ""
            row.cells["count"] = int(object["count"])
            let involved = object["involvedObject"]
            let kind = involved?["kind"]?.stringValue ?? ""
            let name = involved?["name"]?.stringValue ?? ""
            let namespace = involved?["namespace"]?.stringValue
            let text = "\(kind)/\(name)"
            row.cells["object"] = text
            if let page = forObjectKind(kind), !name.isEmpty {
                row.link = (text, yamlPath(page.id, namespace: page.resource.namespaced ? namespace : nil, name: name))
            }
            return row
        })
}
