/// A core `v1` Secret, typed: `data` holds the decoded bytes (base64 on the wire).
///
/// `description` and `dump` name the keys only, never a value, so a Secret interpolated into a
/// log line or an error leaks nothing. `stringData` is write-only in the API (the server merges
/// it into `data`), so it is not modelled: set `data`.
public struct Secret: KubernetesObject, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let resourceType = ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true)

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var data: [String: [UInt8]]?
    /// `Opaque` when not set.
    public var type: String?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, data: [String: [UInt8]]? = nil, type: String? = nil, immutable: Bool? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.data = data
        self.type = type
        self.immutable = immutable
    }

    /// The value of `key` as UTF-8 text, if present and valid UTF-8.
    public func string(_ key: String) -> String? {
        data?[key].flatMap { String(validating: $0, as: UTF8.self) }
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, type, immutable
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion) ?? Self.resourceType.apiVersion
        kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? Self.resourceType.kind
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        if let encoded = try c.decodeIfPresent([String: String].self, forKey: .data) {
            var decoded: [String: [UInt8]] = [:]
            for (key, text) in encoded {
                do {
                    decoded[key] = try Base64.decode(text)
                } catch {
                    throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "data[\(key)]: \(error)")
                }
            }
            data = decoded
        }
        type = try c.decodeIfPresent(String.self, forKey: .type)
        immutable = try c.decodeIfPresent(Bool.self, forKey: .immutable)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(kind, forKey: .kind)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeIfPresent(data?.mapValues { Base64.encode($0) }, forKey: .data)
        try c.encodeIfPresent(type, forKey: .type)
        try c.encodeIfPresent(immutable, forKey: .immutable)
    }

    /// `Secret ns/name (type Opaque, keys: a, b)`: never a value.
    public var description: String {
        "Secret \(key) (type \(type ?? "Opaque"), keys: \((data ?? [:]).keys.sorted().joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["metadata": metadata, "keys": (data ?? [:]).keys.sorted(), "type": type as Any], displayStyle: .struct)
    }
}
