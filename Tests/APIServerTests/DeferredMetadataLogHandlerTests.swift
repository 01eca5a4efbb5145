@testable import APIServer
import Logging
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct DeferredMetadataLogHandlerTests {
    /// Records what reaches it.
    struct Capture: LogHandler {
        let box: Box
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            box.events.withLock { $0.append((event.level, event.message.description, metadata.merging(event.metadata ?? [:]) { _, new in new })) }
        }
    }

    final class Box: Sendable {
        let events = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
    }

    @Test func metadataSetOnTheLoggerReachesTheWrappedHandlerWhenSomethingIsLogged() {
        let box = Box()
        var logger = Logger(label: "test") { _ in DeferredMetadataLogHandler(wrapping: Capture(box: box)) }
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "shared"] = "logger"
        logger.debug("below the level")
        logger.info("answered", metadata: ["shared": "call", "status": "200"])
        let events = box.events.withLock { $0 }
        #expect(events.count == 1)
        #expect(events.first?.1 == "answered")
        #expect(events.first?.2 == ["hb.request.id": "42", "shared": "call", "status": "200"])
        #expect(logger[metadataKey: "hb.request.id"] == "42")
        logger.logLevel = .debug
        logger.debug("now at the level")
        #expect(box.events.withLock { $0.count } == 2)
    }
}
