import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The cluster's 32-byte secret, from which node tokens are derived (``NodeToken``).
///
/// Stored as standard base64 in `cluster.key`. Its `description` never reveals the bytes.
package struct ClusterSecret: Sendable, CustomStringConvertible {
    /// Required length in bytes.
    package static let byteCount = 32

    let key: SymmetricKey

    /// A fresh secret from the system CSPRNG.
    package static func generate() -> ClusterSecret {
        ClusterSecret(key: SymmetricKey(size: .bits256))
    }

    /// Exactly ``byteCount`` bytes.
    package init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw PKIError(.invalidSecret, "cluster secret must be \(Self.byteCount) bytes, got \(bytes.count)")
        }
        self.key = SymmetricKey(data: bytes)
    }

    /// Standard base64 of ``byteCount`` bytes; surrounding whitespace is ignored.
    package init(base64 text: String) throws {
        let trimmed = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: trimmed) else {
            throw PKIError(.invalidSecret, "cluster secret is not valid base64")
        }
        try self.init(bytes: [UInt8](data))
    }

    private init(key: SymmetricKey) { self.key = key }

    /// The secret as standard base64 (what `cluster.key` holds).
    package var base64: String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    package var description: String { "ClusterSecret(<redacted>)" }
}
