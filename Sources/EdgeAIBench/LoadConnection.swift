import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One keep-alive HTTPS connection with one request in flight: the load generator of the
/// benchmarks' request phases. It costs a fraction of `HTTPClient`'s per-request work (pool
/// state machines, deadlines, tracing), which on two cores shared with the server is CPU taken
/// from the server being measured.
struct LoadConnection: Sendable {
    private let channel: any Channel
    private let host: String

    static func connect(host: String, port: Int, tls: NIOSSLContext) async throws -> LoadConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: nil))
                    try sync.addHandler(HTTPRequestEncoder())
                    try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)))
                    try sync.addHandler(ExchangeHandler())
                }
            }
            .connect(host: host, port: port).get()
        return LoadConnection(channel: channel, host: host)
    }

    /// Sends one request and returns the response's status once its whole body has arrived.
    func send(_ method: HTTPMethod, _ path: String, body: String?, contentType: String, token: String) async throws -> Int {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Authorization", value: "Bearer \(token)")
        head.headers.add(name: "Accept", value: "application/json")
        var buffer: ByteBuffer?
        if let body {
            buffer = ByteBuffer(string: body)
            head.headers.add(name: "Content-Type", value: contentType)
        }
        head.headers.add(name: "Content-Length", value: String(buffer?.readableBytes ?? 0))
        let answer = channel.eventLoop.makePromise(of: Int.self)
        let written = channel.eventLoop.makePromise(of: Void.self)
        // A write refused before it reaches the handler (a closed connection) fails the exchange.
        written.futureResult.whenFailure { answer.fail($0) }
        channel.writeAndFlush(Exchange(head: head, body: buffer, answer: answer), promise: written)
        return try await answer.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// A request and the promise its response's status completes.
private struct Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var answer: EventLoopPromise<Int>
}

/// Writes one ``Exchange`` at a time and completes it at the response's end; a closed or failed
/// connection fails the exchange in flight.
private final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting: EventLoopPromise<Int>?
    private var status = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard waiting == nil else {
            exchange.answer.fail(ChannelError.inappropriateOperationForState)
            promise?.fail(ChannelError.inappropriateOperationForState)
            return
        }
        waiting = exchange.answer
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            let answer = waiting
            waiting = nil
            answer?.succeed(status)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        let answer = waiting
        waiting = nil
        answer?.fail(error)
    }
}
