#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// Cluster keys replaced by a rotation that the hub still accepts until their grace ends:
/// `retired.keys` beside `cluster.key`, one `<base64 key> <expiry, Unix seconds>` per line.
///
/// Pure value: parsing, rendering and expiry. At most ``maxKeys`` keys (a rotation drops expired
/// ones first), so a file cannot grow without bound. `description` never shows a key.
package struct RetiredClusterKeys: Sendable, CustomStringConvertible {
    package static let fileName = "retired.keys"
    /// The most retired keys kept (the oldest are dropped beyond this).
    package static let maxKeys = 8

    package struct Key: Sendable {
        package var secret: ClusterSecret
        package var acceptedUntil: Date
    }

    package private(set) var keys: [Key]

    package init() { keys = [] }

    /// - Throws: ``PKIError`` with the line number of a malformed line (never its content).
    package init(parsing text: String) throws {
        var keys: [Key] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.isEmpty { continue }
            guard fields.count == 2, let until = Self.parseDate(String(fields[1])), let secret = try? ClusterSecret(base64: String(fields[0])) else {
                throw PKIError(.invalidSecret, "\(Self.fileName) line \(index + 1): expected \"<base64 key> <Unix seconds>\"")
            }
            keys.append(Key(secret: secret, acceptedUntil: until))
        }
        guard keys.count <= Self.maxKeys else { throw PKIError(.invalidSecret, "\(Self.fileName) holds more than \(Self.maxKeys) keys") }
        self.keys = keys
    }

    /// The file text.
    package var text: String {
        keys.map { "\($0.secret.base64) \(Self.formatDate($0.acceptedUntil))\n" }.joined()
    }

    /// The keys still accepted at `now`.
    package func valid(at now: Date) -> [ClusterSecret] { keys.filter { $0.acceptedUntil > now }.map(\.secret) }

    /// The earliest expiry after `now`, when the accepted set next changes.
    package func nextExpiry(after now: Date) -> Date? { keys.map(\.acceptedUntil).filter { $0 > now }.min() }

    /// These keys without the expired ones, plus `secret` accepted until `until`.
    package func adding(_ secret: ClusterSecret, until: Date, now: Date) -> RetiredClusterKeys {
        var copy = RetiredClusterKeys()
        copy.keys = Array((keys.filter { $0.acceptedUntil > now } + [Key(secret: secret, acceptedUntil: until)]).suffix(Self.maxKeys))
        return copy
    }

    package var description: String { "RetiredClusterKeys(\(keys.count) keys, <redacted>)" }

    static func formatDate(_ date: Date) -> String { String(Int64(date.timeIntervalSince1970.rounded(.down))) }

    static func parseDate(_ text: String) -> Date? {
        guard let seconds = Int64(text), seconds >= 0 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
