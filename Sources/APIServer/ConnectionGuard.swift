import NIOCore
import NIOHTTP1

/// Per-connection HTTP/1 rules Go's net/http enforces and Hummingbird does not: an HTTP/1.1
/// request without `Host` is answered 400 and the connection closed; an HTTP/1.0 response closes
/// the connection once written; the header, idle and body timeouts of ``ConnectionTimeouts`` (a
/// body that does not end in time fails its reader with ``RequestBodyTimeout``).
///
/// Two handlers share one ``ConnectionGuard``: ``RawBytesObserver`` sits before the HTTP decoder
/// (to see a request's first bytes), ``HTTP1RequestGuard`` after it.
/// - Important: confined to the channel's event loop.
final class ConnectionGuard {
    private var state: ConnectionTimeoutState<ContinuousClock.Instant>
    private var timer: Scheduled<Void>?
    private var channel: (any Channel)?
    /// ``HTTP1RequestGuard``'s context, where a body timeout enters the pipeline.
    private var context: ChannelHandlerContext?

    init(timeouts: ConnectionTimeouts) {
        state = ConnectionTimeoutState(timeouts: timeouts, now: .now)
    }

    func start(_ context: ChannelHandlerContext) {
        channel = context.channel
        self.context = context
        if let deadline = state.deadline { schedule(deadline, on: context.eventLoop) }
    }

    func stop() {
        timer?.cancel()
        timer = nil
        channel = nil
        context = nil
    }

    func bytesReceived(_ eventLoop: any EventLoop) { perform(state.bytesReceived(now: .now), eventLoop) }

    func headReceived(_ eventLoop: any EventLoop) { perform(state.headReceived(now: .now), eventLoop) }

    func bodyEnded(_ eventLoop: any EventLoop) { perform(state.bodyEnded(), eventLoop) }

    func responseEnded(_ eventLoop: any EventLoop) { perform(state.responseEnded(now: .now), eventLoop) }

    private func perform(_ action: ConnectionTimeoutState<ContinuousClock.Instant>.Action, _ eventLoop: any EventLoop) {
        switch action {
        case .none: break
        case .schedule(let deadline): schedule(deadline, on: eventLoop)
        case .close:
            channel?.close(promise: nil)
            stop()
        case .cancel:
            timer?.cancel()
            timer = nil
        case .failBody:
            context?.fireErrorCaught(RequestBodyTimeout())
            if let deadline = state.deadline { schedule(deadline, on: eventLoop) }
        }
    }

    private func schedule(_ deadline: ContinuousClock.Instant, on eventLoop: any EventLoop) {
        timer?.cancel()
        timer = eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(deadline - .now)) { [self] in
            timer = nil
            perform(state.timerFired(now: .now), eventLoop)
        }
    }
}

/// Tells the guard when bytes of a request arrive; passes everything on unchanged.
final class RawBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let guardState: ConnectionGuard

    init(_ guardState: ConnectionGuard) { self.guardState = guardState }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardState.bytesReceived(context.eventLoop)
        context.fireChannelRead(data)
    }
}

/// Checks each request head (Host, version) and closes after responses that must close.
final class HTTP1RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let guardState: ConnectionGuard
    /// For each request not yet answered, in order: whether its response closes the connection.
    private var pendingClose: [Bool] = []
    private var rejected = false

    init(_ guardState: ConnectionGuard) { self.guardState = guardState }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { guardState.start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        guardState.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        guardState.stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { guardState.stop() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if rejected { return }
        let part = unwrapInboundIn(data)
        if case .end = part { guardState.bodyEnded(context.eventLoop) }
        if case .head(let head) = part {
            guardState.headReceived(context.eventLoop)
            if let problem = Self.hostProblem(head) {
                reject(context, version: head.version, message: problem)
                return
            }
            pendingClose.append(head.version.major == 1 && head.version.minor == 0)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where pendingClose.first == true:
            head.version = .http1_0
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let closes = pendingClose.isEmpty ? false : pendingClose.removeFirst()
            if closes {
                context.writeAndFlush(data, promise: promise)
                context.close(promise: nil)
            } else {
                context.write(data, promise: promise)
                guardState.responseEnded(context.eventLoop)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Go's net/http: HTTP/1.1 requires exactly one Host header.
    static func hostProblem(_ head: HTTPRequestHead) -> String? {
        let hosts = head.headers["host"]
        if hosts.count > 1 { return "400 Bad Request: too many Host headers" }
        if head.version == .http1_1, hosts.isEmpty { return "400 Bad Request: missing required Host header" }
        return nil
    }

    /// Answers 400 in plain text as Go does, ignores the rest of the input and closes.
    private func reject(_ context: ChannelHandlerContext, version: HTTPVersion, message: String) {
        rejected = true
        let body = context.channel.allocator.buffer(string: message)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "connection", value: "close")
        headers.add(name: "content-length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}

/// The error a request body's reader gets when the body did not end within
/// ``ConnectionTimeouts/body``; the handler answers kube-apiserver's 504.
struct RequestBodyTimeout: Error {}
