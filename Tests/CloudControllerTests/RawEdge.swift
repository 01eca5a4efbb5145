import EdgeAICloudTesting
import EdgeAIPKI
import EdgeSync
import Foundation
import HTTPTypes
import HubClient
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket
import Synchronization

/// A bare WebSocket client for the hub, to send what a well-behaved agent never would.
enum RawEdge {
    struct Outcome: Sendable {
        var received: [CloudToEdge]
        var closeCode: WebSocketErrorCode?
    }

    /// Connects with `token`, sends `frames` (as text), reads until the hub closes; returns what
    /// came back and the close code. With `fragmentBytes`, each frame is sent as one message
    /// fragmented into continuation frames of that many bytes (writes after the hub closed are
    /// ignored).
    static func exchange(
        testbed: Testbed, token: String?, frames: [String], maxFrameSize: Int = 1 << 24, fragmentBytes: Int? = nil
    ) async throws -> Outcome {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(testbed.credentials.certificateAuthority.certificatePEM.utf8)))
        tls.certificateVerification = .noHostnameVerification
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        let received = Mutex<[CloudToEdge]>([])
        let configuration = WebSocketClientConfiguration(maxFrameSize: maxFrameSize, additionalHeaders: headers, sniHostname: "localhost")
        let close = try await WebSocketClient.connect(
            url: "\(testbed.hubURL)\(HubEndpoint.path)", configuration: configuration, tlsConfiguration: tls, logger: Testbed.quietLogger
        ) { inbound, outbound, _ in
            for frame in frames {
                if let fragmentBytes {
                    try? await outbound.withTextMessageWriter { write in
                        var rest = Substring(frame)
                        while !rest.isEmpty {
                            let piece = rest.prefix(fragmentBytes)
                            rest = rest.dropFirst(piece.count)
                            try await write(String(piece))
                        }
                    }
                } else {
                    try await outbound.write(.text(frame))
                }
            }
            for try await message in inbound.messages(maxSize: maxFrameSize) {
                if case .text(let text) = message, let decoded = try? WireCodec.decodeCloudToEdge(Array(text.utf8)) {
                    received.withLock { $0.append(decoded) }
                }
            }
        }
        return Outcome(received: received.withLock { $0 }, closeCode: close?.closeCode)
    }
}
