/// Go's `strconv` parsing with its exact error texts, which kube-apiserver passes through when a
/// query parameter does not convert (`strconv.ParseInt: parsing "abc": invalid syntax`).
enum GoStrconv {
    struct Failure: Error, Sendable, Equatable {
        var message: String
    }

    /// `strconv.ParseInt(s, 10, 64)`.
    static func parseInt(_ s: String) throws(Failure) -> Int64 {
        let bytes = Array(s.utf8)
        var digits = bytes[...]
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw Failure(message: "strconv.ParseInt: parsing \(quote(s)): invalid syntax")
        }
        guard let value = Int64(s) else { throw Failure(message: "strconv.ParseInt: parsing \(quote(s)): value out of range") }
        return value
    }

    /// `strconv.ParseUint(s, 10, 64)`.
    static func parseUint(_ s: String) throws(Failure) -> UInt64 {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw Failure(message: "strconv.ParseUint: parsing \(quote(s)): invalid syntax")
        }
        guard let value = UInt64(s) else { throw Failure(message: "strconv.ParseUint: parsing \(quote(s)): value out of range") }
        return value
    }

    /// `strconv.ParseBool`: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.
    static func parseBool(_ s: String) throws(Failure) -> Bool {
        switch s {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: throw Failure(message: "strconv.ParseBool: parsing \(quote(s)): invalid syntax")
        }
    }

    /// Go's `%q` of a string (as JSON quoting for the printable ASCII range the messages use).
    static func quote(_ s: String) -> String { APIError.quote(s) }

    /// encoding/json's `quoteChar`: `'x'` for printable ASCII, `'\u0081'` otherwise.
    static func quoteChar(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") { return "'\\''" }
        if byte == UInt8(ascii: "\"") { return "'\"'" }
        if (0x20..<0x7F).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        switch byte {
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        default:
            let hex = String(byte, radix: 16)
            return "'\\u" + String(repeating: "0", count: 4 - hex.count) + hex + "'"
        }
    }
}
