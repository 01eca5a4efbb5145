package import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization

/// What the hub says about an edge connection whose TLS handshake failed: one line per remote
/// host until a handshake from it succeeds, naming what to fix. Pure apart from the log call.
///
/// A node that does not trust the hub's certificate aborts with an `unknown_ca` (or
/// `bad_certificate`) alert; the hub then names the node's CA file, which is the one to fix.
package final class HandshakeFailures: Sendable {
    /// Hosts already reported in their current streak. Past the bound the oldest is forgotten
    /// (it is reported again on its next failure), so a scan from many addresses costs bounded memory.
    package static let maxTrackedHosts = 1024
    private let reported = Mutex<[String]>([])
    private let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    /// The log line for a failed handshake from `host` with BoringSSL's `error`.
    package static func message(host: String, error: String) -> String {
        let untrusted = ["UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN"].contains { error.uppercased().contains($0) }
        if untrusted {
            return "edge TLS handshake refused by the node at \(host): it does not trust this hub's certificate; "
                + "fix the node's CA file (`edgeai edge --ca`): `edgeai node add NODE` prints this cluster's CA"
        }
        return "edge TLS handshake with \(host) failed: \(error)"
    }

    /// Logs the failure unless `host` was reported since its last successful handshake.
    package func failed(host: String, error: any Error) {
        let first = reported.withLock { hosts -> Bool in
            guard !hosts.contains(host) else { return false }
            hosts.append(host)
            if hosts.count > Self.maxTrackedHosts { hosts.removeFirst(hosts.count - Self.maxTrackedHosts) }
            return true
        }
        guard first else { return }
        logger.warning("\(Self.message(host: host, error: "\(error)"))")
    }

    package func succeeded(host: String) {
        reported.withLock { hosts in hosts.removeAll { $0 == host } }
    }

    /// A handler to place right after the TLS handler of each connection.
    func handler() -> Reporter { Reporter(failures: self) }

    final class Reporter: ChannelInboundHandler, RemovableChannelHandler, Sendable {
        typealias InboundIn = NIOAny
        let failures: HandshakeFailures

        init(failures: HandshakeFailures) {
            self.failures = failures
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event {
                failures.succeeded(host: Self.host(context))
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if error is NIOSSLError || error is BoringSSLError {
                failures.failed(host: Self.host(context), error: error)
            }
            context.fireErrorCaught(error)
        }

        static func host(_ context: ChannelHandlerContext) -> String {
            context.channel.remoteAddress?.ipAddress ?? "an unknown address"
        }
    }
}
