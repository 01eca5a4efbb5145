import EdgeSync
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket
import ServiceLifecycle

/// One WebSocket connection at a time: open it, say hello, pump frames into the link, run the
/// link's timers, and tell the link when it ends.
extension HubClient {
    /// The open connection's writer. Sends after a close are ignored by the transport.
    struct Connection: Sendable {
        let id: UInt64
        let outbound: WebSocketOutboundWriter

        func send(_ message: EdgeToCloud) async {
            try? await outbound.write(.text(WireCodec.text(message)))
        }

        func close(_ error: ProtocolError) async {
            // A close reason is at most 123 bytes.
            let reason = String(decoding: error.description.utf8.prefix(120), as: UTF8.self)
            try? await outbound.close(WebSocketErrorCode(codeNumber: Int(error.closeCode)), reason: reason)
        }
    }

    /// Opens a connection and runs it until it ends; then the link learns it was lost (unless it
    /// closed it itself).
    func connectOnce(tls: TLSConfiguration) async {
        lastConnectionID += 1
        let id = lastConnectionID
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(configuration.token)"
        let webSocketConfiguration = WebSocketClientConfiguration(
            maxFrameSize: configuration.link.maxFrameBytes, additionalHeaders: headers, closeTimeout: configuration.closeTimeout,
            sniHostname: configuration.hostIsIPAddress ? "edgeai-hub" : nil)
        var reason: String
        var credentialFailure = false
        do {
            let closeFrame = try await WebSocketClient.connect(
                url: configuration.endpointURL, configuration: webSocketConfiguration, tlsConfiguration: tls, logger: logger
            ) { inbound, outbound, _ in
                try await self.session(id: id, inbound: inbound, outbound: outbound)
            }
            if let closeFrame {
                reason = "hub closed the connection (\(closeFrame.closeCode)\(closeFrame.reason.map { ": \($0)" } ?? ""))"
            } else {
                reason = "connection closed"
            }
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            credentialFailure = true
            reason = "hub refused the WebSocket upgrade: wrong node token (fix \(configuration.tokenSource): `edgeai node add NODE` prints the current one) or not a hub"
        } catch let error as NIOSSLError {
            credentialFailure = true
            reason = "TLS with the hub failed (\(error)): its certificate does not verify against \(configuration.caSource); fix that file (`edgeai node add NODE` prints the hub's CA)"
        } catch {
            reason = "\(error)"
        }
        if credentialFailure, loggedCredentialFailure != reason {
            loggedCredentialFailure = reason
            // The first failure of a streak is the link's own log line; later ones it keeps quiet.
            if link.failedAttempts > 0 { logger.error("\(reason)", metadata: ["node": "\(configuration.link.node)"]) }
        }
        if let failure = sessionFailure {
            reason = failure
            sessionFailure = nil
        }
        if connection?.id == id { connection = nil }
        // Only one connection exists at a time, so a link still connecting, syncing or live was
        // using this one and has not closed it itself.
        if link.state == .connecting || link.state == .syncing || link.state == .live {
            await perform(link.connectionLost(reason: reason, now: clock.now), connectionID: nil)
        }
    }

    /// The upgraded connection: hello, then frames and timers until either ends.
    func session(id: UInt64, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let inventory: [InventoryEntry]
        do {
            inventory = try await store.inventory()
        } catch {
            sessionFailure = "could not read the local inventory: \(error)"
            return
        }
        guard link.state == .connecting else { return }
        connection = Connection(id: id, outbound: outbound)
        loggedCredentialFailure = nil
        await perform(link.connected(inventory: inventory, now: clock.now), connectionID: id)
        let maxFrameBytes = configuration.link.maxFrameBytes
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: maxFrameBytes) {
                    let frame: [UInt8]
                    switch message {
                    case .text(let text): frame = Array(text.utf8)
                    case .binary(let buffer): frame = Array(buffer.readableBytesView)
                    }
                    await self.received(frame, connectionID: id)
                }
            }
            group.addTask { try await self.runTimers(connectionID: id) }
            try await group.next()
            group.cancelAll()
        }
    }

    func received(_ frame: [UInt8], connectionID: UInt64) async {
        guard connection?.id == connectionID else { return }
        await perform(link.receive(frame: frame, now: clock.now), connectionID: connectionID)
    }

    /// Ticks the link at its deadlines (at least every second), stops it on graceful shutdown,
    /// and gives up on a connection the link has left once the hub had `closeTimeout` to close it.
    func runTimers(connectionID id: UInt64) async throws {
        var leftAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let now = clock.now
            if Task.isShuttingDownGracefully, connection?.id == id {
                await perform(link.stop(), connectionID: id)
            }
            let deadline: ContinuousClock.Instant
            if connection?.id == id {
                await perform(link.tick(now: now), connectionID: id)
                let second = now.advanced(by: .seconds(1))
                deadline = min(link.nextDeadline ?? second, second)
            } else {
                let since = leftAt ?? now
                leftAt = since
                deadline = since.advanced(by: configuration.closeTimeout)
                if deadline <= now { throw HubClientError("the hub did not close the connection within \(configuration.closeTimeout)") }
            }
            if Task.isShuttingDownGracefully {
                try await clock.sleep(until: deadline)
            } else {
                try? await cancelWhenGracefulShutdown { try await self.clock.sleep(until: deadline) }
            }
        }
    }
}
