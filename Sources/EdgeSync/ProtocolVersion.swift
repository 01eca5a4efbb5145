/// A version of the cloud↔edge wire protocol.
///
/// The edge offers every version it speaks in its `hello`; the hub picks the highest one both
/// speak and names it in `welcome`. Within one version the set of message types is fixed
/// (an unknown `type` is an error); new optional fields may be added and are ignored by older
/// peers. A new message type or a changed meaning needs a new version.
public struct ProtocolVersion: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Version 1: the protocol described in `docs/protocol.md`.
    public static let v1 = ProtocolVersion(1)

    /// Version 2: `upsert`/`delete` also carry `Secret`s, the credentials a node's remote
    /// datasets and models name (``SyncObject/secret(_:)``).
    public static let v2 = ProtocolVersion(2)

    /// The versions this build speaks, oldest first.
    public static let supported: [ProtocolVersion] = [.v1, .v2]

    /// Whether a peer speaking this version understands Secrets in `upsert`/`delete`.
    public var carriesSecrets: Bool { self >= .v2 }

    public var description: String { "v\(rawValue)" }

    public static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The highest version in both lists, or `nil` when they share none.
    public static func negotiate(offered: [ProtocolVersion], supported: [ProtocolVersion] = supported) -> ProtocolVersion? {
        Set(offered).intersection(supported).max()
    }
}
