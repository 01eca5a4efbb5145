/// Every message an edge agent sends to the hub (protocol v1).
///
/// `hello` must be the first message of a connection and appears only once.
package enum EdgeToCloud: Hashable, Sendable {
    case hello(Hello)
    /// The change (or `resyncDone`) with this `seq` is persisted on the edge.
    case ack(seq: UInt64)
    case statusReport(StatusReport)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    case error(ErrorMessage)

    /// The `type` discriminator.
    package var type: String {
        switch self {
        case .hello: "hello"
        case .ack: "ack"
        case .statusReport: "statusReport"
        case .ping: "ping"
        case .pong: "pong"
        case .error: "error"
        }
    }

    static let types: Set<String> = ["hello", "ack", "statusReport", "ping", "pong", "error"]
}

extension EdgeToCloud: Codable {
    private enum CodingKeys: String, CodingKey { case type, seq, nonce }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "hello": self = .hello(try Hello(from: decoder))
        case "ack": self = .ack(seq: try container.decodeCounter(forKey: .seq))
        case "statusReport": self = .statusReport(try StatusReport(from: decoder))
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
        case .hello(let hello): try hello.encode(to: encoder)
        case .ack(let seq): try container.encode(seq, forKey: .seq)
        case .statusReport(let report): try report.encode(to: encoder)
        case .ping(let nonce), .pong(let nonce): try container.encode(nonce, forKey: .nonce)
        case .error(let error): try error.encode(to: encoder)
        }
    }
}
