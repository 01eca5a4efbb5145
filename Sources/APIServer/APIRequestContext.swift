public import Hummingbird
public import NIOCore

/// The request context of the API server: Hummingbird's core context plus the connection's
/// channel, so a handler can read the verified TLS client certificate.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP channel carrying the request (its pipeline holds the NIOSSL handler).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
