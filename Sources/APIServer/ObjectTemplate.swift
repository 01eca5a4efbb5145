import EdgeAIAPI
import JSON

/// An object serialized once with a placeholder resourceVersion, so the store's serialized
/// writer only splices the revision digits in (no JSON work inside the group commit).
///
/// Invariant: `prefix + "\"<revision>\"" + suffix` is the object's JSON with
/// `metadata.resourceVersion` set to the revision.
struct ObjectTemplate: Sendable {
    let prefix: [UInt8]
    let suffix: [UInt8]

    private static let marker = "\u{1}edgeai-resource-version\u{1}"

    init(_ object: JSONValue) {
        var o = object
        var metadata = o["metadata"]?.objectValue ?? [:]
        metadata["resourceVersion"] = .string(Self.marker)
        o["metadata"] = .object(metadata)
        let bytes = JSONWriter.bytes(o)
        // The marker's control characters are escaped by the writer; search for the escaped form.
        let needle = JSONWriter.bytes(.string(Self.marker))
        if let start = Self.firstIndex(of: needle, in: bytes) {
            prefix = Array(bytes[..<start])
            suffix = Array(bytes[(start + needle.count)...])
        } else {
            prefix = bytes
            suffix = []
        }
    }

    /// Where `needle` first starts in `haystack`. A plain loop: the generic
    /// `Collection.firstRange(of:)` was a measurable share of every write's CPU.
    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count, h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    /// The stored size with a resourceVersion of up to 20 digits (an upper bound).
    var maximumByteCount: Int { prefix.count + suffix.count + 22 }

    func bytes(revision: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.count + suffix.count + 24)
        out.append(contentsOf: prefix)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: String(revision).utf8)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: suffix)
        return out
    }
}
