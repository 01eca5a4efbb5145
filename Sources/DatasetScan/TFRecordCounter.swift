/// Counts the records of a TFRecord input by hopping from length to length.
///
/// Each record is framed as: length (UInt64, little-endian), masked CRC-32C of those 8 bytes
/// (UInt32), `length` data bytes, masked CRC-32C of the data (UInt32). The length CRC of every
/// record is verified; data bytes are skipped unread (their CRC is not checked). A length CRC
/// mismatch or an input that ends inside a record is a ``ParseError`` at the record's offset.
/// Memory use is constant; a header split across chunks is carried in ``pendingHeader``.
public struct TFRecordCounter: SampleCounter {
    static let headerSize = 12
    static let footerSize = 4

    public private(set) var bytesConsumed = 0
    /// Records whose header has been read and verified.
    public private(set) var records = 0
    /// Offset of the record being read (or of the next one when between records).
    public private(set) var recordOffset = 0
    /// The bytes of a header split across chunks (fewer than 12).
    public private(set) var pendingHeader: [UInt8] = []
    /// Data and footer bytes of the current record still to skip.
    public private(set) var remainingInRecord: UInt64 = 0

    public init() {}

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ParseError) {
        var index = 0
        let count = bytes.count
        while index < count {
            if remainingInRecord > 0 {
                let step = Int(min(remainingInRecord, UInt64(count - index)))
                remainingInRecord -= UInt64(step)
                index += step
                if remainingInRecord == 0 { recordOffset = bytesConsumed + index }
                continue
            }
            if pendingHeader.isEmpty && count - index >= Self.headerSize {
                let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                let crc = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt32.self))
                let lengthBytes = UnsafeRawBufferPointer(rebasing: bytes[index..<(index + 8)])
                try accept(length: length, lengthChecksum: CRC32C.checksum(lengthBytes), crc: crc)
                index += Self.headerSize
                continue
            }
            let step = min(Self.headerSize - pendingHeader.count, count - index)
            pendingHeader.append(contentsOf: bytes[index..<(index + step)])
            index += step
            if pendingHeader.count == Self.headerSize {
                let header = pendingHeader
                pendingHeader = []
                var length: UInt64 = 0
                var crc: UInt32 = 0
                for i in 0..<8 { length |= UInt64(header[i]) << (8 * i) }
                for i in 0..<4 { crc |= UInt32(header[8 + i]) << (8 * i) }
                try accept(length: length, lengthChecksum: CRC32C.checksum(Array(header[0..<8])), crc: crc)
            }
        }
        bytesConsumed += count
    }

    private mutating func accept(length: UInt64, lengthChecksum: UInt32, crc: UInt32) throws(ParseError) {
        guard CRC32C.masked(lengthChecksum) == crc else {
            throw ParseError(offset: recordOffset, message: "corrupt TFRecord: length checksum mismatch")
        }
        let (total, overflow) = length.addingReportingOverflow(UInt64(Self.footerSize))
        guard !overflow else {
            throw ParseError(offset: recordOffset, message: "corrupt TFRecord: length \(length) is too large")
        }
        remainingInRecord = total
        records += 1
    }

    public func finish() throws(ParseError) -> Int {
        if !pendingHeader.isEmpty {
            throw ParseError(
                offset: recordOffset,
                message: "truncated TFRecord: header has \(pendingHeader.count) of \(Self.headerSize) bytes")
        }
        if remainingInRecord > 0 {
            throw ParseError(
                offset: recordOffset,
                message: "truncated TFRecord: \(remainingInRecord) bytes of data and checksum missing")
        }
        return records
    }
}
