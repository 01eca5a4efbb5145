/// An expected content digest, `sha256:<64 hex>` (the only algorithm accepted).
package struct ContentDigest: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Lower-case hex.
    package let hex: String

    /// - Throws: ``RemoteError/Code/invalidLocation`` for another algorithm or a malformed value.
    package init(parsing text: String) throws(RemoteError) {
        guard text.hasPrefix("sha256:") else {
            throw RemoteError(.invalidLocation, "digest \"\(text.prefix(80))\" must be sha256:<64 hex digits>")
        }
        let hex = text.dropFirst(7).lowercased()
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw RemoteError(.invalidLocation, "digest \"\(text.prefix(80))\" must be sha256:<64 hex digits>")
        }
        self.hex = hex
    }

    init(hex: String) { self.hex = hex }

    package var description: String { "sha256:\(hex)" }
}
