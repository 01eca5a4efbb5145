import Foundation
import JSON

/// Frames to messages and back: JSON text frames, one message each.
///
/// Decoding checks the size limit before parsing anything, then reports the first problem with
/// the offending field's path (`object.metadata.uid: Required value`). It does not check that a
/// message is allowed in the current state: that is ``HubSession``'s and ``EdgeLink``'s job.
package enum WireCodec {
    /// The default largest frame either side accepts: 4 MiB. Enough for a `hello` listing about
    /// 25,000 objects and for any object Kubernetes stores (etcd's limit is 1.5 MiB).
    package static let defaultMaxFrameBytes = 4 << 20

    /// Throws `frameTooLarge` when `byteCount` exceeds `limit`. Call it with the frame's length
    /// before buffering or decoding it.
    package static func checkSize(_ byteCount: Int, limit: Int) throws(ProtocolError) {
        guard byteCount <= limit else {
            throw ProtocolError(.frameTooLarge, "frame of \(byteCount) bytes exceeds the limit of \(limit) bytes")
        }
    }

    package static func encode(_ message: CloudToEdge) -> [UInt8] { encodeValue(message) }
    package static func encode(_ message: EdgeToCloud) -> [UInt8] { encodeValue(message) }

    /// The frame as text, for WebSocket text frames.
    package static func text(_ message: CloudToEdge) -> String { String(decoding: encode(message), as: UTF8.self) }
    package static func text(_ message: EdgeToCloud) -> String { String(decoding: encode(message), as: UTF8.self) }

    package static func decodeCloudToEdge(
        _ frame: some Collection<UInt8>, maxFrameBytes: Int = defaultMaxFrameBytes
    ) throws(ProtocolError) -> CloudToEdge {
        try decode(CloudToEdge.self, frame, maxFrameBytes: maxFrameBytes, known: CloudToEdge.types)
    }

    package static func decodeEdgeToCloud(
        _ frame: some Collection<UInt8>, maxFrameBytes: Int = defaultMaxFrameBytes
    ) throws(ProtocolError) -> EdgeToCloud {
        try decode(EdgeToCloud.self, frame, maxFrameBytes: maxFrameBytes, known: EdgeToCloud.types)
    }

    /// Our messages hold strings, integers and Kubernetes objects only; encoding them cannot
    /// fail. Should it ever, the frame is an `error` message that says so, never a crash.
    private static func encodeValue(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            let fallback = #"{"code":"internalError","message":"could not encode a message","type":"error"}"#
            return Array(fallback.utf8)
        }
    }

    private static func decode<T: Decodable>(
        _ type: T.Type, _ frame: some Collection<UInt8>, maxFrameBytes: Int, known: Set<String>
    ) throws(ProtocolError) -> T {
        try checkSize(frame.count, limit: maxFrameBytes)
        do {
            return try JSONDecoder().decode(T.self, from: Data(frame))
        } catch let error as UnknownMessageType {
            throw ProtocolError(
                .unknownMessageType,
                "unknown message type \"\(error.type)\" (this side speaks \(known.sorted().joined(separator: ", ")))")
        } catch let error as DecodingError {
            throw ProtocolError(.malformedFrame, describe(error))
        } catch {
            throw ProtocolError(.malformedFrame, "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        let path = KubeJSON.fieldPath
        func located(_ path: String, _ message: String) -> String { path.isEmpty ? message : "\(path): \(message)" }
        switch error {
        case .typeMismatch(let expected, let context):
            return located(path(context.codingPath), "expected \(expected): \(context.debugDescription)")
        case .valueNotFound(let expected, let context):
            return located(path(context.codingPath), "expected \(expected), found null")
        case .keyNotFound(let key, let context):
            return located(path(context.codingPath + [key]), "Required value")
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return located(path(context.codingPath), context.debugDescription + underlying)
        @unknown default:
            return "\(error)"
        }
    }
}
