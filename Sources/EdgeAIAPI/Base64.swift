/// Standard base64 (RFC 4648 §4, with `=` padding), strict as Go's `base64.StdEncoding` that
/// kube-apiserver uses for `[]byte` fields such as a Secret's `data`: no whitespace, no
/// missing or extra padding, no bits set in the padding. Pure.
public enum Base64 {
    /// Why a string is not base64: the first offending byte offset, as Go reports it
    /// (`illegal base64 data at input byte N`).
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var offset: Int
        public var description: String { "illegal base64 data at input byte \(offset)" }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let a = iterator.next() {
            let b = iterator.next()
            let c = iterator.next()
            let n = UInt32(a) << 16 | UInt32(b ?? 0) << 8 | UInt32(c ?? 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(b == nil ? UInt8(ascii: "=") : alphabet[Int(n >> 6 & 63)])
            out.append(c == nil ? UInt8(ascii: "=") : alphabet[Int(n & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes as Go's `StdEncoding.DecodeString`: `\r` and `\n` are skipped, anything else
    /// outside the alphabet, a truncated quantum or misplaced padding is an error at its offset.
    public static func decode(_ text: String) throws(DecodingError) -> [UInt8] {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        func skipNewlines() {
            while i < input.count, input[i] == 0x0A || input[i] == 0x0D { i += 1 }
        }
        while true {
            var quantum: [UInt8] = [0, 0, 0, 0]
            var filled = 0
            while filled < 4 {
                skipNewlines()
                guard i < input.count else {
                    if filled == 0 { return out }
                    throw DecodingError(offset: i - filled)
                }
                let c = input[i]
                i += 1
                if c == UInt8(ascii: "=") {
                    // Padding ends the input: `xx==` or `xxx=`, then only newlines.
                    guard filled >= 2 else { throw DecodingError(offset: i - 1) }
                    if filled == 2 {
                        skipNewlines()
                        guard i < input.count else { throw DecodingError(offset: input.count) }
                        guard input[i] == UInt8(ascii: "=") else { throw DecodingError(offset: i - 1) }
                        i += 1
                    }
                    skipNewlines()
                    guard i == input.count else { throw DecodingError(offset: i) }
                    out.append(quantum[0] << 2 | quantum[1] >> 4)
                    if filled == 3 { out.append(quantum[1] << 4 | quantum[2] >> 2) }
                    return out
                }
                let v = values[Int(c)]
                guard v != 0xFF else { throw DecodingError(offset: i - 1) }
                quantum[filled] = v
                filled += 1
            }
            out.append(quantum[0] << 2 | quantum[1] >> 4)
            out.append(quantum[1] << 4 | quantum[2] >> 2)
            out.append(quantum[2] << 6 | quantum[3])
        }
    }
}
