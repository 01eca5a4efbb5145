import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One request of a load phase and the status that counts as success.
struct LoadRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var body: String?
    var contentType: String
    var expected: Int
}

/// What one connection's requests gave: latencies (ms) and how many got another status.
struct LoadTally: Sendable {
    var latencies: [Double] = []
    var errors = 0

    mutating func add(_ other: LoadTally) {
        latencies += other.latencies
        errors += other.errors
    }
}

/// A connection that failed during ``LoadConnection/run(_:token:)``, with what it did before.
struct LoadConnectionFailure: Error {
    var tally: LoadTally
    var error: any Error
}

/// One keep-alive HTTPS connection with one request in flight: the load generator of the
/// benchmarks' request phases. Like wrk, it runs on its event loop alone: each response's end
/// sends the next request from the channel handler, with no task switch or thread hop per
/// request, so on two cores shared with the server it takes as little as it can from the server
/// being measured (`HTTPClient`'s pool had been about 40 % of the process's CPU).
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
                    try sync.addHandler(LoadLoopHandler())
                }
            }
            .connect(host: host, port: port).get()
        return LoadConnection(channel: channel, host: host)
    }

    /// Sends `next()`'s requests one after another until it returns nil. Throws
    /// ``LoadConnectionFailure`` when the connection fails (the request in flight is lost).
    func run(_ next: @escaping @Sendable () -> LoadRequest?, token: String) async throws -> LoadTally {
        let done = channel.eventLoop.makePromise(of: LoadTally.self)
        let run = LoadRun(next: next, host: host, authorization: "Bearer \(token)", done: done)
        // A write refused before it reaches the handler (a closed connection) fails the run.
        channel.writeAndFlush(run).whenFailure { done.fail(LoadConnectionFailure(tally: LoadTally(), error: $0)) }
        return try await done.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// The requests a ``LoadLoopHandler`` sends and the promise its tally completes.
private struct LoadRun: Sendable {
    var next: @Sendable () -> LoadRequest?
    var host: String
    var authorization: String
    var done: EventLoopPromise<LoadTally>
}

/// Runs one ``LoadRun`` at a time on the channel's event loop; a closed or failed connection
/// fails the run with what it had counted.
private final class LoadLoopHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = LoadRun
    typealias OutboundOut = HTTPClientRequestPart

    private var run: LoadRun?
    private var tally = LoadTally()
    private var expected = 0
    private var sent = NIODeadline.now()
    private var status = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let run = unwrapOutboundIn(data)
        guard self.run == nil else {
            run.done.fail(LoadConnectionFailure(tally: LoadTally(), error: ChannelError.inappropriateOperationForState))
            promise?.fail(ChannelError.inappropriateOperationForState)
            return
        }
        self.run = run
        tally = LoadTally()
        promise?.succeed()
        sendNext(context)
    }

    private func sendNext(_ context: ChannelHandlerContext) {
        guard let run else { return }
        guard let request = run.next() else {
            self.run = nil
            run.done.succeed(tally)
            return
        }
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.path)
        head.headers.add(name: "Host", value: run.host)
        head.headers.add(name: "Authorization", value: run.authorization)
        head.headers.add(name: "Accept", value: "application/json")
        var body: ByteBuffer?
        if let text = request.body {
            body = context.channel.allocator.buffer(string: text)
            head.headers.add(name: "Content-Type", value: request.contentType)
        }
        head.headers.add(name: "Content-Length", value: String(body?.readableBytes ?? 0))
        expected = request.expected
        sent = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            guard run != nil else { return }
            tally.latencies.append(Double((NIODeadline.now() - sent).nanoseconds) / 1e6)
            if status != expected { tally.errors += 1 }
            sendNext(context)
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
        guard let run else { return }
        self.run = nil
        run.done.fail(LoadConnectionFailure(tally: tally, error: error))
    }
}
