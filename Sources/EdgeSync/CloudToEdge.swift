/// Every message the hub sends to an edge agent (protocol v1).
///
/// On the wire each is one JSON text frame, an object whose `type` member names the case and
/// whose other members are the case's fields (see `docs/protocol.md`). `seq` numbers are the
/// hub's, per connection, strictly increasing from 1; the edge acknowledges each `upsert`,
/// `delete` and `resyncDone` by its `seq` once it is persisted.
package enum CloudToEdge: Hashable, Sendable {
    case welcome(Welcome)
    case upsert(SyncObject, seq: UInt64)
    case delete(ObjectRef, seq: UInt64)
    /// Everything before this `seq` was the resync; the edge now equals the desired state once
    /// it has persisted them.
    case resyncDone(seq: UInt64)
    case reportResult(ReportResult)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    case error(ErrorMessage)

    /// The `type` discriminator.
    package var type: String {
        switch self {
        case .welcome: "welcome"
        case .upsert: "upsert"
        case .delete: "delete"
        case .resyncDone: "resyncDone"
        case .reportResult: "reportResult"
        case .ping: "ping"
        case .pong: "pong"
        case .error: "error"
        }
    }

    /// The sequence number of a message the edge must acknowledge.
    package var seq: UInt64? {
        switch self {
        case .upsert(_, let seq), .delete(_, let seq), .resyncDone(let seq): seq
        default: nil
        }
    }

    /// The object change an `upsert` or `delete` carries.
    package var change: ObjectChange? {
        switch self {
        case .upsert(let object, _): .upsert(object)
        case .delete(let ref, _): .delete(ref)
        default: nil
        }
    }

    static let types: Set<String> = ["welcome", "upsert", "delete", "resyncDone", "reportResult", "ping", "pong", "error"]
}

extension CloudToEdge: Codable {
    private enum CodingKeys: String, CodingKey { case type, seq, object, nonce }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "welcome": self = .welcome(try Welcome(from: decoder))
        case "upsert":
            self = .upsert(try container.decode(SyncObject.self, forKey: .object), seq: try container.decodeCounter(forKey: .seq))
        case "delete": self = .delete(try ObjectRef(from: decoder), seq: try container.decodeCounter(forKey: .seq))
        case "resyncDone": self = .resyncDone(seq: try container.decodeCounter(forKey: .seq))
        case "reportResult": self = .reportResult(try ReportResult(from: decoder))
        case "ping": self = .ping(nonce: try container.decodeCounter(forKey: .nonce))
        case "pong": self = .pong(nonce: try container.decodeCounter(forKey: .nonce))
        case "error": self = .error(try ErrorMessage(from: decoder))
        default: throw UnknownMessageType(type: type)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .welcome(let welcome): try welcome.encode(to: encoder)
        case .upsert(let object, let seq):
            try container.encode(seq, forKey: .seq)
            try container.encode(object, forKey: .object)
        case .delete(let ref, let seq):
            try container.encode(seq, forKey: .seq)
            try ref.encode(to: encoder)
        case .resyncDone(let seq): try container.encode(seq, forKey: .seq)
        case .reportResult(let result): try result.encode(to: encoder)
        case .ping(let nonce), .pong(let nonce): try container.encode(nonce, forKey: .nonce)
        case .error(let error): try error.encode(to: encoder)
        }
    }
}

/// Thrown while decoding a frame whose `type` the protocol does not define.
struct UnknownMessageType: Error {
    var type: String
}
