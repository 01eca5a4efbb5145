import CoreMetrics
import EdgeAIPKI
import EdgeSync
import HTTPTypes
package import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
package import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
package import NIOSSL

/// The hub's HTTPS listener: the edge WebSocket endpoint (``HubEndpoint/path``) and `/metrics`,
/// `/healthz`, `/readyz`.
///
/// The node token is checked before the upgrade: a missing or wrong token is answered 401 and the
/// connection is never upgraded. It does no protocol work itself (see ``Hub``).
package struct HubServer: Sendable {
    let hub: Hub
    let authenticator: NodeAuthenticator
    let metrics: HubMetrics
    let tls: TLSConfiguration
    let host: String
    let port: Int
    let maxFrameBytes: Int
    let closeTimeout: Duration
    let isReady: @Sendable () -> Bool
    let onListening: @Sendable (Int) async -> Void
    let logger: Logger

    package init(
        hub: Hub, authenticator: NodeAuthenticator, metrics: HubMetrics, tls: TLSConfiguration, host: String, port: Int,
        maxFrameBytes: Int, closeTimeout: Duration, isReady: @escaping @Sendable () -> Bool,
        onListening: @escaping @Sendable (Int) async -> Void, logger: Logger
    ) {
        self.hub = hub
        self.authenticator = authenticator
        self.metrics = metrics
        self.tls = tls
        self.host = host
        self.port = port
        self.maxFrameBytes = maxFrameBytes
        self.closeTimeout = closeTimeout
        self.isReady = isReady
        self.onListening = onListening
        self.logger = logger
    }

    package func makeApplication() throws -> some ApplicationProtocol {
        let router = Router()
        let metrics = self.metrics
        let authenticator = self.authenticator
        let isReady = self.isReady
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ -> Response in
            isReady() ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
                : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "informers not synced")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        // The endpoint without an upgrade: authenticate all the same, then ask for the upgrade.
        router.get(RouterPath(HubEndpoint.path)) { request, _ -> Response in
            guard authenticator.node(authorization: request.headers[.authorization]) != nil else {
                metrics.unauthorized.increment()
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
            }
            return Response(status: .upgradeRequired, headers: [.upgrade: "websocket"])
        }
        let hub = self.hub
        let logger = self.logger
        let maxFrameBytes = self.maxFrameBytes
        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: WebSocketServerConfiguration(maxFrameSize: maxFrameBytes, autoPing: .disabled, closeTimeout: closeTimeout))
        let shouldUpgrade: @Sendable (HTTPRequest, any Channel, Logger) async throws -> ShouldUpgradeResult<
            WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
        > = { request, channel, _ in
            let path = request.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 } ?? ""
            guard path == HubEndpoint.path else { return .dontUpgrade }
            guard let identity = authenticator.identity(authorization: request.headerFields[.authorization]) else {
                metrics.unauthorized.increment()
                logger.warning(
                    "edge connection refused: missing or invalid node token (not from the current cluster key nor one in its rotation grace); give the node the token `edgeai node add NODE` prints",
                    metadata: ["remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
                await Self.refuseUnauthorized(channel)
                return .dontUpgrade
            }
            let address = channel.remoteAddress.flatMap { remote in remote.ipAddress.map { "\($0):\(remote.port ?? 0)" } }
            // Admission reads the EdgeNode cache: a cloud just restarted answers once it synced
            // (bounded), or every node would be refused until then.
            let synced = await hub.waitForDesired()
            guard !synced || hub.admit(identity, address: address) else {
                await Self.refuseUnauthorized(channel)
                return .dontUpgrade
            }
            return .upgrade([:]) { inbound, outbound, _ in
                guard synced else {
                    await Self.goAwayAfterHello(
                        inbound: inbound, outbound: outbound, within: hub.configuration.helloTimeout, maxFrameBytes: maxFrameBytes)
                    return
                }
                try await hub.serve(
                    node: identity.node, generation: identity.generation, address: address, inbound: inbound, outbound: outbound)
            }
        }
        let tls = self.tls
        let failures = HandshakeFailures(logger: logger)
        let server = HTTPServerBuilder { responder in
            try ReportingTLSChannel(
                HTTP1WebSocketUpgradeChannel(responder: responder, configuration: webSocket, shouldUpgrade: shouldUpgrade),
                tlsConfiguration: tls, failures: failures)
        }
        let onListening = self.onListening
        return Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("edge hub listening", metadata: ["port": "\(port)"])
                await onListening(port)
            },
            logger: logger)
    }

    /// A connection the hub cannot serve yet (its caches have not synced): waits for the node's
    /// first frame, at most `timeout`, then closes with `goingAway` so the node retries. Closing
    /// at once would put the close frame right behind the 101, and a client can lose bytes that
    /// arrive in the same read as its upgrade response — it then waits for a close it dropped.
    static func goAwayAfterHello(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, within timeout: Duration, maxFrameBytes: Int
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var messages = inbound.messages(maxSize: maxFrameBytes).makeAsyncIterator()
                _ = try? await messages.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        try? await outbound.close(.goingAway, reason: "goingAway: hub starting: its caches have not synced yet")
    }

    /// Answers the upgrade request with 401 before the upgrader declines it. The upgrader then
    /// writes its own 400 after it, on a connection the client is told to close; clients read
    /// the first response.
    static func refuseUnauthorized(_ channel: any Channel) async {
        var headers = HTTPHeaders()
        headers.add(name: "WWW-Authenticate", value: "Bearer")
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Content-Type", value: "text/plain")
        let body = "Unauthorized: missing or invalid node token\n"
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        let head = HTTPResponseHead(version: .http1_1, status: .unauthorized, headers: headers)
        do {
            try await channel.writeAndFlush(HTTPServerResponsePart.head(head))
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))))
            try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        } catch {
            // The client went away: nothing to answer.
        }
    }
}
