import AsyncHTTPClient
import EdgeAIAPI
import JSON
import NIOCore

/// A watch response as an `AsyncSequence` of events, decoded line by line as chunks arrive.
///
/// It never buffers more than one unfinished line (bounded by `maximumLineLength`). A `BOOKMARK`
/// yields ``Event/bookmark(resourceVersion:)``; an `ERROR` event is thrown as ``KubeError``
/// (``KubeError/Kind/gone`` for 410/Expired). The sequence ends (returns `nil`) when the server
/// closes the stream or the consuming task is cancelled. It can be iterated once.
public struct WatchStream<Object: Decodable & Sendable>: AsyncSequence, Sendable {
    public enum Event: Sendable {
        case added(Object)
        case modified(Object)
        case deleted(Object)
        /// The server has sent everything up to this resourceVersion.
        case bookmark(resourceVersion: String)
    }

    public typealias Element = Event
    let body: HTTPClientResponse.Body
    let maximumLineLength: Int

    init(body: HTTPClientResponse.Body, maximumLineLength: Int) {
        self.body = body
        self.maximumLineLength = maximumLineLength
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator(), splitter: LineSplitter(maximumLineLength: maximumLineLength))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var body: HTTPClientResponse.Body.AsyncIterator
        var splitter: LineSplitter
        var finished = false

        public mutating func next() async throws -> Event? {
            while true {
                if let line = splitter.nextLine() { return try WatchStream.decode(line) }
                if finished { return nil }
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch {
                    finished = true
                    if Task.isCancelled || error is CancellationError { return nil }
                    throw KubeError.network(error)
                }
                guard let chunk else {
                    finished = true
                    if let last = splitter.finish() { return try WatchStream.decode(last) }
                    return nil
                }
                do {
                    try splitter.append(chunk.readableBytesView)
                } catch {
                    finished = true
                    throw KubeError(kind: .decoding, code: 0, reason: "LineTooLong", message: error.description)
                }
            }
        }
    }

    /// Decodes one line of a watch stream.
    static func decode(_ line: [UInt8]) throws -> Event {
        let frame: WatchFrame<Object>
        do {
            frame = try KubeJSON.decode(WatchFrame<Object>.self, from: line)
        } catch {
            throw KubeError.decoding("watch event", error)
        }
        switch frame.payload {
        case .object(let object):
            switch frame.type {
            case "ADDED": return .added(object)
            case "MODIFIED": return .modified(object)
            default: return .deleted(object)
            }
        case .bookmark(let resourceVersion):
            return .bookmark(resourceVersion: resourceVersion)
        case .error(let status):
            throw KubeError(status: status, httpCode: status.code ?? 500)
        }
    }
}

/// One line of a watch: decodes `object` as the type its `type` calls for, in one pass.
struct WatchFrame<Object: Decodable>: Decodable {
    enum Payload {
        case object(Object)
        case bookmark(String)
        case error(APIStatus)
    }

    struct Bookmark: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    enum CodingKeys: String, CodingKey { case type, object }

    var type: String
    var payload: Payload

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED", "MODIFIED", "DELETED":
            payload = .object(try container.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let bookmark = try container.decode(Bookmark.self, forKey: .object)
            payload = .bookmark(bookmark.metadata?.resourceVersion ?? "")
        case "ERROR":
            // Lenient: some servers omit apiVersion/metadata from the Status of an ERROR event.
            let object = try container.decode(JSONValue.self, forKey: .object)
            var status = APIStatus(
                status: object["status"]?.stringValue ?? "Failure", message: object["message"]?.stringValue,
                reason: object["reason"]?.stringValue, code: object["code"]?.intValue.map { Int($0) })
            status.details = object["details"].flatMap { try? KubeJSON.decode(StatusDetails.self, from: $0) }
            payload = .error(status)
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown watch event type \(type)")
        }
    }
}
