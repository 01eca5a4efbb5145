/// A protocol failure: a code both sides understand, a message naming the field or limit, and
/// the WebSocket close code the connection is closed with.
///
/// Sent as an `error` message just before closing. Receiving a malformed, unknown or oversized
/// frame, or a message that is not allowed in the current state, is always fatal to the
/// connection (never to the process): the edge reconnects and resyncs.
package struct ProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    package var code: Code
    package var message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }

    /// The WebSocket close code for this error.
    package var closeCode: UInt16 { code.closeCode }

    /// Error codes. An open set (a struct, not an enum) so later versions can add codes; an
    /// unknown code received from a peer maps to close code 4000.
    package struct Code: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
        package var rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }

        package var description: String { rawValue }

        /// Not JSON, or JSON missing/mistyping a field (close 1007).
        package static let malformedFrame = Code(rawValue: "malformedFrame")
        /// A frame larger than the agreed maximum (close 1009).
        package static let frameTooLarge = Code(rawValue: "frameTooLarge")
        /// A `type` this protocol version does not define (close 4001).
        package static let unknownMessageType = Code(rawValue: "unknownMessageType")
        /// No protocol version in common (close 4002).
        package static let unsupportedVersion = Code(rawValue: "unsupportedVersion")
        /// A message not allowed in the current state, e.g. anything before `hello` (close 1002).
        package static let protocolViolation = Code(rawValue: "protocolViolation")
        /// No pong (hub) or no frame at all (edge) within the heartbeat timeout (close 4003).
        package static let heartbeatTimeout = Code(rawValue: "heartbeatTimeout")
        /// The edge did not acknowledge a change within the ack timeout (close 4004).
        package static let ackTimeout = Code(rawValue: "ackTimeout")
        /// A newer connection for the same node replaced this one (close 4005).
        package static let replaced = Code(rawValue: "replaced")
        /// The hub authenticated another node name than the agent is configured with (close 4006).
        package static let nodeMismatch = Code(rawValue: "nodeMismatch")
        /// No `hello` (hub) or `welcome` (edge) within the handshake timeout (close 4007).
        package static let handshakeTimeout = Code(rawValue: "handshakeTimeout")
        /// The node's EdgeNode was deleted or re-added: its token is no longer accepted (close 4008).
        package static let revoked = Code(rawValue: "revoked")
        /// The peer is shutting down (close 1001).
        package static let goingAway = Code(rawValue: "goingAway")
        /// A bug or a failed local write on the sender's side (close 1011).
        package static let internalError = Code(rawValue: "internalError")

        package var closeCode: UInt16 {
            switch self {
            case .malformedFrame: 1007
            case .frameTooLarge: 1009
            case .unknownMessageType: 4001
            case .unsupportedVersion: 4002
            case .protocolViolation: 1002
            case .heartbeatTimeout: 4003
            case .ackTimeout: 4004
            case .replaced: 4005
            case .nodeMismatch: 4006
            case .handshakeTimeout: 4007
            case .revoked: 4008
            case .goingAway: 1001
            case .internalError: 1011
            default: 4000
            }
        }
    }
}
