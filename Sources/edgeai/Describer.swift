import EdgeAIAPI
import Foundation
import JSON

/// The text of `edgeai describe`: identity, spec, status (conditions as a table) and events, laid
/// out as `kubectl describe` lays out custom resources. Pure: `now` dates the ages.
enum Describer {
    static func render(_ object: JSONValue, events: [JSONValue]?, now: Date) -> String {
        let metadata = object["metadata"] ?? [:]
        var out = ""
        out += field("Name", metadata["name"]?.stringValue ?? "", width: 14)
        out += field("Namespace", metadata["namespace"]?.stringValue ?? "", width: 14)
        out += field("Labels", map(metadata["labels"]), width: 14)
        out += field("Annotations", map(metadata["annotations"]), width: 14)
        out += field("API Version", object["apiVersion"]?.stringValue ?? "", width: 14)
        out += field("Kind", object["kind"]?.stringValue ?? "", width: 14)
        var meta: [String: JSONValue] = [:]
        for key in ["creationTimestamp", "generation", "resourceVersion", "uid", "deletionTimestamp", "finalizers"] {
            if let value = metadata[key], value != .null { meta[key] = value }
        }
        if !meta.isEmpty { out += "Metadata:\n" + block(.object(meta), indent: 2) }
        if let spec = object["spec"] { out += "Spec:\n" + block(spec, indent: 2) }
        if var status = object["status"]?.objectValue, !status.isEmpty {
            let conditions = status.removeValue(forKey: "conditions")?.arrayValue ?? []
            out += "Status:\n" + block(.object(status), indent: 2)
            if !conditions.isEmpty { out += "  Conditions:\n" + conditionTable(conditions, indent: 4) }
        } else {
            out += "Status:       <none>\n"
        }
        out += eventsSection(events, now: now)
        return out
    }

    /// `Key:` padded so values line up at `width`.
    static func field(_ key: String, _ value: String, width: Int) -> String {
        let label = key + ":"
        return label + String(repeating: " ", count: max(width - label.count, 1)) + value + "\n"
    }

    /// `k=v` pairs one per line (kubectl's label layout), or `<none>`.
    static func map(_ value: JSONValue?) -> String {
        guard let members = value?.objectValue, !members.isEmpty else { return "<none>" }
        return members.keys.sorted().map { "\($0)=\(TablePrinter.cell(members[$0] ?? .null))" }
            .joined(separator: "\n" + String(repeating: " ", count: 14))
    }

    /// A nested value as indented `Title Case:` lines, scalar values aligned per level.
    static func block(_ value: JSONValue, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members):
            let keys = members.keys.sorted()
            let width = (keys.map { title($0).count }.max() ?? 0) + 3
            var out = ""
            for key in keys {
                let child = members[key] ?? .null
                switch child {
                case .object(let o) where !o.isEmpty:
                    out += pad + title(key) + ":\n" + block(child, indent: indent + 2)
                case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                    out += pad + title(key) + ":\n"
                    for item in items { out += block(item, indent: indent + 2) }
                default:
                    out += pad + field(title(key), scalar(child), width: width)
                }
            }
            return out
        default:
            return pad + scalar(value) + "\n"
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): items.map(scalar).joined(separator: ", ")
        case .object(let o) where o.isEmpty: ""
        default: TablePrinter.cell(value)
        }
    }

    /// `dataUrl` → `Data URL`, `numberOfSamples` → `Number Of Samples`.
    static func title(_ key: String) -> String {
        var words: [String] = []
        var current = ""
        for ch in key {
            if ch.isUppercase, !current.isEmpty, !(current.last?.isUppercase ?? false) {
                words.append(current)
                current = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { word in
            switch word.lowercased() {
            case "url": "URL"
            case "uid": "UID"
            case "id": "ID"
            default: word.prefix(1).uppercased() + word.dropFirst()
            }
        }.joined(separator: " ")
    }

    static func conditionTable(_ conditions: [JSONValue], indent: Int) -> String {
        let header = ["Type", "Status", "Reason", "Last Transition", "Message"]
        let rows = conditions.map { c in
            ["type", "status", "reason", "lastTransitionTime", "message"].map { c[$0]?.stringValue ?? "" }
        }
        let underline = header.map { String(repeating: "-", count: $0.count) }
        let pad = String(repeating: " ", count: indent)
        return TablePrinter.align([header, underline] + rows).split(separator: "\n").map { pad + $0 + "\n" }.joined()
    }

    static func eventsSection(_ events: [JSONValue]?, now: Date) -> String {
        guard let events else { return "Events:       <unavailable>\n" }
        guard !events.isEmpty else { return "Events:       <none>\n" }
        let sorted = events.sorted { eventTime($0) ?? .distantPast < eventTime($1) ?? .distantPast }
        let header = ["Type", "Reason", "Age", "From", "Message"]
        let rows = sorted.map { e -> [String] in
            var age = eventTime(e).map { Age.human(now.timeIntervalSince($0)) } ?? "<unknown>"
            if let count = e["count"]?.intValue, count > 1, let first = firstTime(e) {
                age += " (x\(count) over \(Age.human(now.timeIntervalSince(first))))"
            }
            let from = e["source"]?["component"]?.stringValue ?? e["reportingComponent"]?.stringValue ?? ""
            return [e["type"]?.stringValue ?? "", e["reason"]?.stringValue ?? "", age, from, e["message"]?.stringValue ?? ""]
        }
        let underline = header.map { String(repeating: "-", count: $0.count) }
        return "Events:\n" + TablePrinter.align([header, underline] + rows).split(separator: "\n").map { "  " + $0 + "\n" }.joined()
    }

    static func eventTime(_ event: JSONValue) -> Date? {
        for key in ["lastTimestamp", "eventTime", "firstTimestamp"] {
            if let s = event[key]?.stringValue, let t = Time(rfc3339: s) { return t.date }
        }
        return event["metadata"]?["creationTimestamp"]?.stringValue.flatMap { Time(rfc3339: $0)?.date }
    }

    static func firstTime(_ event: JSONValue) -> Date? {
        event["firstTimestamp"]?.stringValue.flatMap { Time(rfc3339: $0)?.date }
    }
}

/// apimachinery's short human durations: `45s`, `3m20s`, `25m`, `2h5m`, `3d4h`, `40d`, `2y10d`. Pure.
enum Age {
    static func human(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.down))
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 192 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        let years = hours / 24 / 365
        let days = (hours / 24) % 365
        if hours < 24 * 365 * 8 { return days == 0 ? "\(years)y" : "\(years)y\(days)d" }
        return "\(years)y"
    }
}
