import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's `TLSChannel` with a ``HandshakeFailures`` reporter right after its TLS handler,
/// so a failed handshake is a line naming what to fix rather than the TLS library's error.
struct ReportingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let tls: TLSChannel<Base>
    let failures: HandshakeFailures

    init(_ base: Base, tlsConfiguration: TLSConfiguration, failures: HandshakeFailures) throws {
        tls = try TLSChannel(base, tlsConfiguration: tlsConfiguration)
        self.failures = failures
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let failures = self.failures
        return tls.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let handshake = try operations.handler(type: NIOSSLServerHandler.self)
            try operations.addHandler(failures.handler(), position: .after(handshake))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await tls.handle(value: value, logger: logger)
    }
}

extension ReportingTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { tls.responder }
}
