#if canImport(Glibc)
import Glibc
#endif
import DatasetScan

/// Deterministic dataset generators for the scan benchmark (a fixed LCG, no randomness).
struct BenchDataWriter {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var buffer: [UInt8] = []
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path)") }
        buffer.reserveCapacity(1 << 22)
    }

    mutating func next(_ bound: UInt64) -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (state >> 33) % bound
    }

    mutating func append(_ text: String) { buffer.append(contentsOf: text.utf8) }
    mutating func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }
    mutating func append(number: UInt64, width: Int) {
        var digits = [UInt8](repeating: 0x30, count: width)
        var n = number
        for i in stride(from: width - 1, through: 0, by: -1) {
            digits[i] = 0x30 + UInt8(n % 10)
            n /= 10
        }
        buffer.append(contentsOf: digits)
    }

    var pendingBytes: Int { buffer.count }

    mutating func flush() throws {
        let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == buffer.count else { throw BenchError("short write") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() { _ = Glibc.close(fd) }

    /// Writes about `size` bytes of `format`; returns the exact number of samples.
    static func generate(_ format: DatasetFormat, path: String, size: Int) throws -> Int {
        var w = try BenchDataWriter(path: path)
        defer { w.close() }
        var written = 0
        var samples = 0
        let words = ["cat", "dog", "a red car", "two birds, one tree", "the \"best\" one", "river"]
        if format == .csv { w.append("id,path,caption,label\n") }
        while written < size {
            switch format {
            case .txt:
                w.append("images/")
                w.append(number: w.next(100_000_000), width: 9)
                w.append(".jpg ")
                w.append(number: w.next(1000), width: 3)
                w.append("\n")
            case .jsonl:
                w.append("{\"id\":")
                w.append(number: w.next(100_000_000), width: 9)
                w.append(",\"path\":\"images/x.jpg\",\"label\":")
                w.append(number: w.next(10), width: 1)
                w.append("}\n")
            case .csv:
                w.append(number: w.next(100_000_000), width: 9)
                w.append(",images/x.jpg,\"")
                let word = words[Int(w.next(UInt64(words.count)))]
                w.append(word.replacingQuotes())
                if w.next(8) == 0 { w.append("\nsecond line") }
                w.append("\",")
                w.append(number: w.next(10), width: 1)
                w.append("\r\n")
            case .tfrecord:
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: samples), count: 200 + Int(w.next(800)))
                w.append(tfrecordFrame(payload))
            case .dir:
                throw BenchError("dir is not generated")
            }
            samples += 1
            if w.pendingBytes >= 1 << 22 {
                written += w.pendingBytes
                try w.flush()
            }
        }
        written += w.pendingBytes
        try w.flush()
        return samples
    }

    static func tfrecordFrame(_ payload: [UInt8]) -> [UInt8] {
        let lengthBytes = withUnsafeBytes(of: UInt64(payload.count).littleEndian) { Array($0) }
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        return lengthBytes + le32(CRC32C.masked(CRC32C.checksum(lengthBytes)))
            + payload + le32(CRC32C.masked(CRC32C.checksum(payload)))
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var out = ""
        for c in self { out += c == "\"" ? "\"\"" : String(c) }
        return out
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
