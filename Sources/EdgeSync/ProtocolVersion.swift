/// A version of the cloud↔edge wire protocol.
///
/// The edge offers every version it speaks in its `hello`; the hub picks the highest one both
/// speak and names it in `welcome`. Within one version the set of message types is fixed
/// (an unknown `type` is an error); new optional fields may be added and are ignored by older
/// peers. A new message type or a changed meaning needs a new version.
package struct ProtocolVersion: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package var rawValue: Int

    package init(rawValue: Int) { self.rawValue = rawValue }
    package init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Version 1: the protocol described in `docs/protocol.md`.
    package static let v1 = ProtocolVersion(1)

    /// Version 2: `upsert`/`delete` also carry `Secret`s, the credentials a node's remote
    /// datasets and models name (``SyncObject/secret(_:)``).
    package static let v2 = ProtocolVersion(2)

    /// The versions this build speaks, oldest first.
    package static let supported: [ProtocolVersion] = [.v1, .v2]

    /// Whether a peer speaking this version understands Secrets in `upsert`/`delete`.
    package var carriesSecrets: Bool { self >= .v2 }

    package var description: String { "v\(rawValue)" }

    package static func < (lhs: ProtocolVersion, rhs: ProtocolVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The highest version in both lists, or `nil` when they share none.
    package static func negotiate(offered: [ProtocolVersion], supported: [ProtocolVersion] = supported) -> ProtocolVersion? {
        Set(offered).intersection(supported).max()
    }
}
