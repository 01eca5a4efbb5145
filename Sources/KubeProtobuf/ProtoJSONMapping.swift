import EdgeAIAPI
import Foundation
import JSON

/// Kubernetes JSON ↔ the protobuf JSON mapping of the messages in `Protos/k8s/`, so one JSON
/// value serves both wires. They differ in three places only, and those are mapped here:
/// `metav1.Time`/`MicroTime` (an RFC 3339 string ↔ `{seconds, nanos}`), `FieldsV1` (a JSON object
/// ↔ `{"Raw": base64}`) and int64 fields (numbers ↔ the protobuf mapping's strings).
///
/// Going back, empty strings and lists are dropped: Go's protobuf encoder writes every string
/// field of a struct, its JSON encoder omits the empty ones (`omitempty`), and the server reads
/// Kubernetes JSON.
///
/// Pure. `labels`, `annotations` and a Secret's `data` and `stringData` are user maps: nothing
/// inside them is mapped (a key may be any name, an empty value is kept). `data` is
/// `map<string, bytes>`, whose protobuf JSON is base64, as Kubernetes JSON writes `[]byte`.
enum ProtoJSONMapping {
    static let timeFields: Set<String> = ["creationTimestamp", "deletionTimestamp", "firstTimestamp", "lastTimestamp", "lastTransitionTime", "time"]
    static let microTimeFields: Set<String> = ["eventTime", "lastObservedTime", "acquireTime", "renewTime"]
    static let int64Fields: Set<String> = ["generation", "deletionGracePeriodSeconds", "remainingItemCount", "gracePeriodSeconds"]
    static let userMaps: Set<String> = ["labels", "annotations", "data", "stringData"]

    struct Error: Swift.Error, Sendable, Equatable {
        var message: String
    }

    /// Kubernetes JSON to protobuf JSON; a time that does not parse is an error naming it.
    static func toProto(_ value: JSONValue) throws(Error) -> JSONValue {
        guard case .object(let members) = value else {
            if case .array(let items) = value {
                var out: [JSONValue] = []
                for item in items { out.append(try toProto(item)) }
                return .array(out)
            }
            return value
        }
        var out: [String: JSONValue] = [:]
        for (key, member) in members {
            if member == .null { continue }
            if userMaps.contains(key) {
                out[key] = member
            } else if timeFields.contains(key) || microTimeFields.contains(key) {
                guard let text = member.stringValue, let (seconds, nanos) = secondsAndNanos(text) else {
                    throw Error(message: "\(key): invalid time \(JSONWriter.string(member))")
                }
                out[key] = ["seconds": .int(seconds), "nanos": .int(nanos)]
            } else if key == "fieldsV1", case .object = member {
                out[key] = ["Raw": .string(Data(JSONWriter.bytes(member)).base64EncodedString())]
            } else {
                out[key] = try toProto(member)
            }
        }
        return .object(out)
    }

    /// Protobuf JSON back to Kubernetes JSON.
    static func fromProto(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(fromProto))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                if member == .string("") || member == .array([]) { continue }
                if userMaps.contains(key) {
                    out[key] = member
                } else if timeFields.contains(key) || microTimeFields.contains(key) {
                    guard let text = rfc3339(member, micro: microTimeFields.contains(key)) else { continue }
                    out[key] = .string(text)
                } else if key == "fieldsV1" {
                    let raw = member["Raw"]?.stringValue.flatMap { Data(base64Encoded: $0) }
                    out[key] = raw.flatMap { try? JSONParser.parse(Array($0)) } ?? .object([:])
                } else if int64Fields.contains(key), let text = member.stringValue, let n = Int64(text) {
                    out[key] = .int(n)
                } else {
                    out[key] = fromProto(member)
                }
            }
            return .object(out)
        default: return value
        }
    }

    /// An RFC 3339 time as whole seconds since 1970 and the nanoseconds of its fraction, read
    /// from the text (not through a floating-point date, which would lose the last digits).
    static func secondsAndNanos(_ text: String) -> (Int64, Int64)? {
        var whole = text
        var nanos: Int64 = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            let nine = String(digits.prefix(9)).padding(toLength: 9, withPad: "0", startingAt: 0)
            nanos = Int64(nine) ?? 0
            whole = String(text[..<dot]) + String(text[text.index(dot, offsetBy: digits.count + 1)...])
        }
        guard let time = Time(rfc3339: whole) else { return nil }
        return (Int64(time.date.timeIntervalSince1970.rounded(.down)), nanos)
    }

    /// `{seconds, nanos}` (either may be a string, as the mapping writes int64) in RFC 3339, with
    /// microseconds for a MicroTime; nil for the zero time, which Kubernetes writes as absent.
    static func rfc3339(_ value: JSONValue, micro: Bool) -> String? {
        func number(_ v: JSONValue?) -> Int64 {
            if let i = v?.intValue { return i }
            return v?.stringValue.flatMap { Int64($0) } ?? 0
        }
        let seconds = number(value["seconds"])
        let nanos = number(value["nanos"])
        guard seconds != 0 || nanos != 0 else { return nil }
        let text = Time(Date(timeIntervalSince1970: Double(seconds))).rfc3339
        guard micro else { return text }
        let micros = String(max(0, min(999_999, nanos / 1000)))
        return String(text.dropLast()) + "." + String(repeating: "0", count: 6 - micros.count) + micros + "Z"
    }
}
