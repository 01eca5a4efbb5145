import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64url (RFC 4648 §5) without padding, and secure random bytes.
enum Base64URL {
    /// Encodes bytes as base64url without `=` padding.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = Data(bytes).base64EncodedString()
        while s.hasSuffix("=") { s.removeLast() }
        return String(s.map { $0 == "+" ? "-" : ($0 == "/" ? "_" : $0) })
    }

    /// Decodes unpadded base64url; returns nil on any character outside the alphabet,
    /// on padding, or on a length that cannot be valid.
    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var standard = ""
        standard.reserveCapacity(text.count + 2)
        for c in text.unicodeScalars {
            switch c {
            case "A"..."Z", "a"..."z", "0"..."9": standard.unicodeScalars.append(c)
            case "-": standard.append("+")
            case "_": standard.append("/")
            default: return nil
            }
        }
        while standard.utf8.count % 4 != 0 { standard.append("=") }
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = [UInt8](data)
        // Reject non-canonical encodings (stray low bits in the last character).
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}

enum SecureRandom {
    /// `count` bytes from the system CSPRNG (via swift-crypto).
    static func bytes(_ count: Int) -> [UInt8] {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
        return key.withUnsafeBytes { [UInt8]($0) }
    }
}

enum ConstantTime {
    /// Compares two byte sequences in time depending only on their lengths.
    static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
