import EdgeAIAPI

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
        if let start = bytes.firstRange(of: needle)?.lowerBound {
            prefix = Array(bytes[..<start])
            suffix = Array(bytes[(start + needle.count)...])
        } else {
            prefix = bytes
            suffix = []
        }
    }

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
