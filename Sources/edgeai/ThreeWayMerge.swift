import EdgeAIAPI
import JSON

/// kubectl's client-side apply for custom resources: a JSON merge patch computed from the last
/// applied configuration (`original`), the manifest (`modified`) and the live object
/// (`current`). Pure.
///
/// The patch sets every field of `modified` that differs from `current`, and removes (with
/// `null`) every field that was in `original` but is gone from `modified`. Fields nobody applied
/// (set by the server or by other writers) are left alone. Lists are replaced whole, as JSON
/// merge patch does. `nil` means nothing to change.
enum ThreeWayMerge {
    /// The annotation kubectl keeps the last applied configuration in (shared with `kubectl apply`).
    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    static func patch(original: JSONValue?, modified: JSONValue, current: JSONValue) -> JSONValue? {
        var patch = changes(from: current, to: modified) ?? [:]
        if let original, let deletions = deletions(from: original, to: modified) {
            patch = merge(deletions, patch)
        }
        if case .object(let members) = patch, members.isEmpty { return nil }
        return patch
    }

    /// The fields of `modified` that differ from `current` (no deletions).
    static func changes(from current: JSONValue, to modified: JSONValue) -> JSONValue? {
        guard case .object(let wanted) = modified, case .object(let live) = current else {
            return current == modified ? nil : modified
        }
        var out: [String: JSONValue] = [:]
        for (key, value) in wanted {
            guard let existing = live[key] else {
                if value != .null { out[key] = value }
                continue
            }
            if case .object = value, case .object = existing {
                if let nested = changes(from: existing, to: value) { out[key] = nested }
            } else if value != existing {
                out[key] = value
            }
        }
        return out.isEmpty ? nil : .object(out)
    }

    /// `null` for every field of `original` that `modified` no longer has.
    static func deletions(from original: JSONValue, to modified: JSONValue) -> JSONValue? {
        guard case .object(let before) = original, case .object(let after) = modified else { return nil }
        var out: [String: JSONValue] = [:]
        for (key, value) in before {
            guard let kept = after[key] else {
                out[key] = .null
                continue
            }
            if let nested = deletions(from: value, to: kept) { out[key] = nested }
        }
        return out.isEmpty ? nil : .object(out)
    }

    /// Deep merge of two patches (`b` wins, objects combine).
    static func merge(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        guard case .object(var left) = a, case .object(let right) = b else { return b }
        for (key, value) in right {
            if let existing = left[key], case .object = existing, case .object = value {
                left[key] = merge(existing, value)
            } else {
                left[key] = value
            }
        }
        return .object(left)
    }

    /// The manifest as it is recorded and compared: `object` with the last-applied annotation set
    /// to itself (without that annotation), as kubectl records it.
    static func withLastApplied(_ object: JSONValue) -> JSONValue {
        var recorded = object
        recorded["metadata"]?["annotations"]?[lastAppliedAnnotation] = nil
        if recorded["metadata"]?["annotations"]?.objectValue?.isEmpty == true { recorded["metadata"]?["annotations"] = nil }
        var result = recorded
        var annotations = result["metadata"]?["annotations"]?.objectValue ?? [:]
        annotations[lastAppliedAnnotation] = .string(JSONWriter.string(recorded) + "\n")
        result["metadata"]?["annotations"] = .object(annotations)
        return result
    }

    /// The last applied configuration recorded on a live object, if any.
    static func lastApplied(_ current: JSONValue) -> JSONValue? {
        guard let text = current["metadata"]?["annotations"]?[lastAppliedAnnotation]?.stringValue else { return nil }
        return try? JSONParser.parse(Array(text.utf8))
    }
}
