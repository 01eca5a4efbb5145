import Logging

/// Wraps a handler so that setting metadata on a logger costs a dictionary store: the wrapped
/// handler sees the metadata only when something is logged. Hummingbird tags every request's
/// logger with a request id, and `StreamLogHandler` formats its whole metadata on each such set,
/// a visible share of every request's CPU although the server logs nothing per request.
struct DeferredMetadataLogHandler: LogHandler {
    private var wrapped: any LogHandler
    var metadata: Logger.Metadata = [:]

    init(wrapping wrapped: any LogHandler) {
        self.wrapped = wrapped
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty { event.metadata = metadata.merging(event.metadata ?? [:]) { _, call in call } }
        wrapped.log(event: event)
    }
}
