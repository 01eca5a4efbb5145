import EdgeHub
import Logging
import Synchronization
import Testing

/// The hub's line for a failed TLS handshake: what to fix, once per host and streak.
@Suite struct HandshakeFailuresTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let unknownCA = Failure(description: "handshakeFailed(sslError([error:10000418:SSL routines:OPENSSL_internal:TLSV1_ALERT_UNKNOWN_CA]))")

    @Test func anUntrustedHubCertificateNamesTheNodesCAFile() {
        let line = HandshakeFailures.message(host: "10.0.0.7", error: Self.unknownCA.description)
        #expect(line.contains("10.0.0.7") && line.contains("does not trust this hub's certificate"))
        #expect(line.contains("`edgeai edge --ca`") && line.contains("edgeai node add NODE"))
        #expect(!line.contains("OPENSSL_internal"))
        let other = HandshakeFailures.message(host: "10.0.0.7", error: "handshakeFailed(WRONG_VERSION_NUMBER)")
        #expect(other == "edge TLS handshake with 10.0.0.7 failed: handshakeFailed(WRONG_VERSION_NUMBER)")
    }

    @Test func oneLinePerHostUntilAHandshakeFromItSucceeds() {
        let lines = CapturedLines()
        let failures = HandshakeFailures(logger: lines.logger)
        for _ in 0..<5 { failures.failed(host: "10.0.0.7", error: Self.unknownCA) }
        failures.failed(host: "10.0.0.8", error: Self.unknownCA)
        #expect(lines.all.count == 2)
        failures.succeeded(host: "10.0.0.7")
        failures.failed(host: "10.0.0.7", error: Self.unknownCA)
        #expect(lines.all.count == 3, "a new streak is reported again")
    }

    @Test func manyHostsCostBoundedMemory() {
        let lines = CapturedLines()
        let failures = HandshakeFailures(logger: lines.logger)
        for host in 0...HandshakeFailures.maxTrackedHosts { failures.failed(host: "10.1.\(host / 256).\(host % 256)", error: Self.unknownCA) }
        #expect(lines.all.count == HandshakeFailures.maxTrackedHosts + 1)
        // The oldest host was forgotten, so it is reported again; a recent one is not.
        failures.failed(host: "10.1.0.0", error: Self.unknownCA)
        failures.failed(host: "10.1.4.0", error: Self.unknownCA)
        #expect(lines.all.count == HandshakeFailures.maxTrackedHosts + 2)
    }
}

/// Log lines written through `logger`, kept in memory.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test.capture") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: CapturedLines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            sink.lines.withLock { $0.append("\(event.message)") }
        }
    }
}
