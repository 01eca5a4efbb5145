import EdgeAIPKI
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A raw TLS connection to a test server, for requests no HTTP client library sends (no Host,
/// HTTP/1.0, broken chunking, silence). Received bytes and the close are recorded; tests wait on
/// them with `eventually`.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        struct State {
            var bytes: [UInt8] = []
            var closed = false
        }
        let state = Mutex(State())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    private let channel: any Channel
    private let collector: Collector

    private init(channel: any Channel, collector: Collector) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(port: Int, credentials: ClusterCredentials) async throws -> RawConnection {
        var tls = try credentials.clientTLSConfiguration()
        tls.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: tls)
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// Sends `text` one byte every `interval` on the channel's event loop (a client trickling a
    /// body); returns at once. Stops when the bytes run out or the connection closes.
    func trickle(_ text: String, every interval: TimeAmount) {
        let bytes = Array(text.utf8)
        let channel = self.channel
        let next = Mutex(0)
        channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { task in
            let i = next.withLock { i in defer { i += 1 }; return i }
            guard i < bytes.count, channel.isActive else {
                task.cancel()
                return
            }
            channel.writeAndFlush(ByteBuffer(bytes: [bytes[i]]), promise: nil)
        }
    }

    var received: String { String(decoding: collector.state.withLock { $0.bytes }, as: UTF8.self) }
    var isClosed: Bool { collector.state.withLock { $0.closed } }

    func close() async { try? await channel.close() }
}
