@testable import DatasetScan
import Foundation
import PropertyBased

/// Simple, obviously-correct reference counters the fast ones are checked against.
enum Reference {
    /// txt/jsonl: split on `\n`; a line counts when it holds a byte outside `blank`.
    static func lines(_ bytes: [UInt8], blank: Set<UInt8>) -> Int {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
        return lines.filter { line in line.contains { !blank.contains($0) } }.count
    }

    /// csv: records split on `\n` outside quotes (a quote toggles quoting); blank records
    /// (only `\r`) skipped; the first record is the header. Nil when a quote is left open.
    static func csv(_ bytes: [UInt8]) -> Int? {
        var records: [[UInt8]] = [[]]
        var quoted = false
        for byte in bytes {
            if byte == 0x22 { quoted.toggle() }
            if byte == 0x0A && !quoted { records.append([]) } else { records[records.count - 1].append(byte) }
        }
        if quoted { return nil }
        let nonBlank = records.filter { $0.contains { $0 != 0x0D } }.count
        return max(nonBlank - 1, 0)
    }
}

/// Feeds `bytes` to a fresh copy of `counter` in chunks of the given sizes (cycled).
func feed<C: SampleCounter>(_ counter: C, _ bytes: [UInt8], chunks: [Int]) throws -> C {
    var counter = counter
    var index = 0
    var k = 0
    while index < bytes.count {
        let size = chunks.isEmpty ? bytes.count : max(1, chunks[k % chunks.count])
        let end = min(bytes.count, index + size)
        try counter.consume(bytes[index..<end])
        index = end
        k += 1
    }
    return counter
}

/// Bytes drawn from a small alphabet, so interesting neighbours (CRLF, `""`, blank lines) are frequent.
func bytesGen(_ alphabet: [UInt8], length: ClosedRange<Int> = 0...400) -> Generator<[UInt8], some SendableSequenceType> {
    Gen.int(in: 0...(alphabet.count - 1)).map { alphabet[$0] }.array(of: length)
}

/// Chunk sizes: small ones (inside a CRLF, a quote or a header) and block-sized ones.
let chunksGen = Gen.int(in: 1...130).array(of: 1...6)

/// One TFRecord frame around `payload`.
func tfrecord(_ payload: [UInt8]) -> [UInt8] {
    let length = UInt64(payload.count)
    let lengthBytes = withUnsafeBytes(of: length.littleEndian) { Array($0) }
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    return lengthBytes + le32(CRC32C.masked(CRC32C.checksum(lengthBytes)))
        + payload + le32(CRC32C.masked(CRC32C.checksum(payload)))
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/datasetscan-XXXXXX"
        var template = Array(base.utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func append(_ name: String, _ bytes: [UInt8]) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file(name)))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
