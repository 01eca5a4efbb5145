package import Hummingbird
package import NIOCore

/// The request context of the API server: Hummingbird's core context plus the connection's
/// channel, so a handler can read the verified TLS client certificate.
package struct APIRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The TCP channel carrying the request (its pipeline holds the NIOSSL handler).
    package let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
