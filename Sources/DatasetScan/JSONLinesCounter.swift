/// Counts the non-blank lines of a `jsonl` input and validates each one as a JSON text
/// (RFC 8259), streaming, with state that survives chunk boundaries.
///
/// Blank lines (only space, tab, `\r`) are skipped as in ``LineCounter``. Any other line must
/// hold exactly one JSON value, else a ``ParseError`` at the offending byte. Memory grows only
/// with nesting depth (capped at ``maximumDepth``), never with line length. It checks syntax,
/// not UTF-8 well-formedness inside strings. Byte-at-a-time, so slower than ``LineCounter``.
public struct JSONLinesCounter: SampleCounter {
    public static let maximumDepth = 512

    enum Mode: UInt8, Codable, Sendable {
        case lineStart, value, arrayFirst, objectFirst, objectKey, colon, afterValue
        case string, stringEscape, unicode1, unicode2, unicode3, unicode4
        case literal
        case minus, zero, integer, dot, fraction, exponentMark, exponentSign, exponent
    }

    public private(set) var bytesConsumed = 0
    public private(set) var completedSamples = 0
    var mode = Mode.lineStart
    /// Open containers: `[` or `{`.
    var stack: [UInt8] = []
    /// Whether the string being read is an object key.
    var stringIsKey = false
    /// The literal being matched (`true`, `false`, `null`) and how many bytes matched.
    var literal: [UInt8] = []
    var literalMatched = 0
    var lineOffset = 0

    public init() {}

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ParseError) {
        for index in 0..<bytes.count {
            try step(bytes[index], at: bytesConsumed + index)
        }
        bytesConsumed += bytes.count
    }

    public func finish() throws(ParseError) -> Int {
        var copy = self
        try copy.step(0x0A, at: bytesConsumed)
        return copy.completedSamples
    }

    private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHex(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    private func fail(_ byte: UInt8, _ offset: Int) -> ParseError {
        let what = byte == 0x0A ? "end of line" : "byte 0x\(String(byte, radix: 16))"
        return ParseError(
            offset: offset, message: "invalid JSON in line starting at offset \(lineOffset): unexpected \(what)")
    }

    private mutating func endValue() {
        mode = .afterValue
    }

    private mutating func step(_ byte: UInt8, at offset: Int) throws(ParseError) {
        switch mode {
        case .lineStart:
            if byte == 0x0A { lineOffset = offset + 1; return }
            if Self.isWhitespace(byte) { return }
            mode = .value
            try beginValue(byte, at: offset)
        case .value:
            if Self.isWhitespace(byte) { return }
            try beginValue(byte, at: offset)
        case .arrayFirst:
            if Self.isWhitespace(byte) { return }
            if byte == 0x5D { try close(0x5B, byte, at: offset) } else { try beginValue(byte, at: offset) }
        case .objectFirst, .objectKey:
            if Self.isWhitespace(byte) { return }
            if byte == 0x22 {
                stringIsKey = true
                mode = .string
            } else if byte == 0x7D && mode == .objectFirst {
                try close(0x7B, byte, at: offset)
            } else {
                throw fail(byte, offset)
            }
        case .colon:
            if Self.isWhitespace(byte) { return }
            guard byte == 0x3A else { throw fail(byte, offset) }
            mode = .value
        case .afterValue:
            if Self.isWhitespace(byte) { return }
            if byte == 0x0A && stack.isEmpty {
                completedSamples += 1
                mode = .lineStart
                lineOffset = offset + 1
            } else if byte == 0x2C, let top = stack.last {
                mode = top == 0x5B ? .value : .objectKey
            } else if byte == 0x5D {
                try close(0x5B, byte, at: offset)
            } else if byte == 0x7D {
                try close(0x7B, byte, at: offset)
            } else {
                throw fail(byte, offset)
            }
        case .string:
            if byte == 0x22 {
                mode = stringIsKey ? .colon : .afterValue
            } else if byte == 0x5C {
                mode = .stringEscape
            } else if byte < 0x20 {
                throw fail(byte, offset)
            }
        case .stringEscape:
            switch byte {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: mode = .string
            case 0x75: mode = .unicode1
            default: throw fail(byte, offset)
            }
        case .unicode1, .unicode2, .unicode3, .unicode4:
            guard Self.isHex(byte) else { throw fail(byte, offset) }
            mode = Mode(rawValue: mode.rawValue + 1) ?? .string
            if mode == .literal { mode = .string }
        case .literal:
            guard byte == literal[literalMatched] else { throw fail(byte, offset) }
            literalMatched += 1
            if literalMatched == literal.count { endValue() }
        case .minus:
            if byte == 0x30 { mode = .zero } else if Self.isDigit(byte) { mode = .integer } else { throw fail(byte, offset) }
        case .zero, .integer:
            if mode == .integer && Self.isDigit(byte) { return }
            if byte == 0x2E { mode = .dot } else if byte == 0x65 || byte == 0x45 { mode = .exponentMark } else {
                try endNumber(byte, at: offset)
            }
        case .dot:
            guard Self.isDigit(byte) else { throw fail(byte, offset) }
            mode = .fraction
        case .fraction:
            if Self.isDigit(byte) { return }
            if byte == 0x65 || byte == 0x45 { mode = .exponentMark } else { try endNumber(byte, at: offset) }
        case .exponentMark:
            if byte == 0x2B || byte == 0x2D { mode = .exponentSign } else if Self.isDigit(byte) { mode = .exponent } else {
                throw fail(byte, offset)
            }
        case .exponentSign:
            guard Self.isDigit(byte) else { throw fail(byte, offset) }
            mode = .exponent
        case .exponent:
            if Self.isDigit(byte) { return }
            try endNumber(byte, at: offset)
        }
    }

    /// A number ends at the first byte that cannot continue it; that byte is then re-read.
    private mutating func endNumber(_ byte: UInt8, at offset: Int) throws(ParseError) {
        mode = .afterValue
        try step(byte, at: offset)
    }

    private mutating func close(_ opener: UInt8, _ byte: UInt8, at offset: Int) throws(ParseError) {
        guard stack.last == opener else { throw fail(byte, offset) }
        stack.removeLast()
        endValue()
    }

    private mutating func beginValue(_ byte: UInt8, at offset: Int) throws(ParseError) {
        switch byte {
        case 0x7B, 0x5B:
            guard stack.count < Self.maximumDepth else {
                throw ParseError(offset: offset, message: "JSON nested deeper than \(Self.maximumDepth) levels")
            }
            stack.append(byte)
            mode = byte == 0x7B ? .objectFirst : .arrayFirst
        case 0x22:
            stringIsKey = false
            mode = .string
        case 0x74, 0x66, 0x6E:
            literal = Array(byte == 0x74 ? "true".utf8 : byte == 0x66 ? "false".utf8 : "null".utf8)
            literalMatched = 1
            mode = .literal
        case 0x2D: mode = .minus
        case 0x30: mode = .zero
        case 0x31...0x39: mode = .integer
        default: throw fail(byte, offset)
        }
    }
}
