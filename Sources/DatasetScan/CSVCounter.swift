/// Counts the records of an RFC 4180 CSV input after its header record.
///
/// Records end at `\n` outside quotes (so CRLF and LF both work); a `"` toggles quoting
/// wherever it appears, so `""` inside a quoted field is a literal quote and commas, quotes
/// and newlines may sit inside quoted fields. A record holding only `\r` bytes is blank and
/// not counted. The first non-blank record is the header and not a sample.
/// It does not split fields or check field counts. An open quote at the end of the input is
/// a ``ParseError`` at the offset of that quote. Memory use is constant.
///
/// Speed comes from 64-byte blocks: quote positions become a bitmask whose prefix-XOR marks
/// the bytes inside quotes, and record ends are counted with the carry chain shared with
/// ``LineCounter``.
public struct CSVCounter: SampleCounter {
    public private(set) var bytesConsumed = 0
    /// Non-blank records (header included) already terminated by `\n`.
    public private(set) var completedRecords = 0
    /// Whether the record open at the current end already holds a non-blank byte.
    public private(set) var openRecordHasContent = false
    /// Whether the current end is inside a quoted field.
    public private(set) var insideQuotes = false
    /// Offset of the quote that opened the current quoted field; 0 when not inside quotes.
    public private(set) var openQuoteOffset = 0

    public init() {}

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let count = bytes.count
        var carry: UInt64 = openRecordHasContent ? 1 : 0
        var inside: UInt64 = insideQuotes ? ~0 : 0
        var records = 0
        var offset = 0
        while count - offset >= 64 {
            let block = ByteBlock(base + offset)
            let quotes = block.mask(of: 0x22)
            let insideMask = prefixXor(quotes) ^ inside
            let ends = block.mask(of: 0x0A) & ~insideMask
            let transparent = block.mask(of: 0x0D)
            records &+= countContentfulEnds(ends: ends, transparent: transparent, carry: &carry)
            // Arithmetic shift: all ones when the block ends inside quotes.
            inside = UInt64(bitPattern: Int64(bitPattern: insideMask) >> 63)
            if inside != 0 && quotes != 0 {
                openQuoteOffset = bytesConsumed + offset + 63 - quotes.leadingZeroBitCount
            }
            offset += 64
        }
        var hasContent = carry != 0
        var quoted = inside != 0
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte == 0x22 {
                quoted.toggle()
                if quoted { openQuoteOffset = bytesConsumed + offset }
                hasContent = true
            } else if byte == 0x0A && !quoted {
                if hasContent { records &+= 1 }
                hasContent = false
            } else if byte != 0x0D {
                hasContent = true
            }
            offset += 1
        }
        openRecordHasContent = hasContent
        insideQuotes = quoted
        if !quoted { openQuoteOffset = 0 }  // canonical state: equal inputs give equal states
        completedRecords &+= records
        bytesConsumed += count
    }

    public func finish() throws(ParseError) -> Int {
        if insideQuotes {
            throw ParseError(offset: openQuoteOffset, message: "unterminated quoted field")
        }
        let records = completedRecords + (openRecordHasContent ? 1 : 0)
        return max(records - 1, 0)
    }
}
