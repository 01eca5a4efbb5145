#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte test that rejects, before any parse, stored objects a list's selectors cannot match:
/// each positive equality (`label=value`, `label in (value)`, `field=value`) needs its value in
/// the object's JSON. Values outside `[A-Za-z0-9._-]` (which JSON may escape) and empty values
/// (which match a missing field) add nothing, so ``admits(_:)`` is false only when
/// ``ListOptions/matches(_:)`` is false too. Pure.
struct ListPrefilter: Sendable, Equatable {
    /// Byte strings that must all occur.
    private(set) var needles: [[UInt8]] = []

    init(labels: LabelSelector, fields: FieldSelector) {
        for requirement in labels.requirements {
            switch requirement {
            case .equals(_, let value): add(quoted: value)
            case .isIn(_, let values) where values.count == 1: values.first.map { add(quoted: $0) }
            default: break
            }
        }
        // A selectable field may be a number or a boolean: its value is not always quoted.
        for term in fields.terms where !term.negated { add(value: term.value) }
    }

    /// A label value is always a JSON string: `"value"`.
    private mutating func add(quoted value: String) {
        if Self.isPlain(value) { needles.append(Array(("\"" + value + "\"").utf8)) }
    }

    private mutating func add(value: String) {
        if Self.isPlain(value) { needles.append(Array(value.utf8)) }
    }

    /// Non-empty and made only of bytes JSON writes as they are.
    static func isPlain(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    func admits(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { haystack in needles.allSatisfy { Self.contains(haystack, $0) } }
    }

    /// Whether `needle` (non-empty) occurs in `haystack`: `memchr` to each candidate first byte,
    /// then `memcmp`.
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard let base = haystack.baseAddress, let first = needle.first, needle.count <= haystack.count else { return false }
        let last = haystack.count - needle.count
        var offset = 0
        return needle.withUnsafeBytes { pattern in
            guard let pattern = pattern.baseAddress else { return false }
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, pattern, needle.count) == 0 { return true }
                offset = at + 1
            }
            return false
        }
    }
}
