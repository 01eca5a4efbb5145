@testable import DatasetScan
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TFRecordCounterTests {
    @Test func countsRecordsUnderAnyChunking() async {
        let payloads = Gen.int(in: 0...90).array(of: 0...20)
        await propertyCheck(count: 200, input: payloads, chunksGen) { lengths, chunks in
            let bytes = lengths.flatMap { tfrecord([UInt8](repeating: 0x5A, count: $0)) }
            let counter = try feed(TFRecordCounter(), bytes, chunks: chunks)
            #expect(try counter.finish() == lengths.count)
        }
    }

    @Test func truncationAnywhereIsAParseErrorAtTheRecordOffset() async {
        await propertyCheck(count: 100, input: Gen.int(in: 1...40).array(of: 1...6), Gen.int(in: 1...200)) {
            lengths, cut in
            let frames = lengths.map { tfrecord([UInt8](repeating: 1, count: $0)) }
            let bytes = frames.flatMap { $0 }
            let keep = bytes.count - 1 - (cut % bytes.count)  // strictly shorter
            var starts = [0]
            for frame in frames { starts.append(starts.last! + frame.count) }
            let counter = try feed(TFRecordCounter(), Array(bytes[0..<keep]), chunks: [5, 64])
            if starts.contains(keep) {
                #expect(try counter.finish() == starts.firstIndex(of: keep)!)
            } else {
                let error = #expect(throws: ParseError.self) { try counter.finish() }
                #expect(error?.offset == starts.last { $0 < keep })
                #expect(error?.message.hasPrefix("truncated TFRecord") == true)
            }
        }
    }

    @Test func corruptLengthChecksumIsAParseErrorAtTheRecord() throws {
        var bytes = tfrecord([1, 2, 3]) + tfrecord([4, 5])
        bytes[19 + 8] ^= 0xFF  // the second record's length CRC
        for chunks in [[], [1], [20, 3]] {
            #expect(throws: ParseError(offset: 19, message: "corrupt TFRecord: length checksum mismatch")) {
                _ = try feed(TFRecordCounter(), bytes, chunks: chunks)
            }
        }
    }

    @Test func crc32cMatchesTheKnownVector() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }
}
