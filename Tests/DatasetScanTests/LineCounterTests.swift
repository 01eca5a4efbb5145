import Foundation
@testable import DatasetScan
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct LineCounterTests {
    static let txtBlank: Set<UInt8> = [0x0D]
    static let jsonBlank: Set<UInt8> = [0x0D, 0x20, 0x09]

    @Test func txtCountsAnyChunkingLikeTheReference() async {
        await propertyCheck(count: 300, input: bytesGen([0x61, 0x0A, 0x0D, 0x20], length: 0...500), chunksGen) {
            bytes, chunks in
            let counter = try feed(LineCounter(blank: .carriageReturn), bytes, chunks: chunks)
            #expect(counter.finish() == Reference.lines(bytes, blank: Self.txtBlank))
            #expect(counter.bytesConsumed == bytes.count)
        }
    }

    @Test func jsonlCountsAnyChunkingLikeTheReference() async {
        await propertyCheck(count: 300, input: bytesGen([0x7B, 0x0A, 0x0D, 0x20, 0x09], length: 0...500), chunksGen) {
            bytes, chunks in
            let counter = try feed(LineCounter(blank: .jsonWhitespace), bytes, chunks: chunks)
            #expect(counter.finish() == Reference.lines(bytes, blank: Self.jsonBlank))
        }
    }

    @Test(arguments: [
        ("", 0), ("a", 1), ("a\n", 1), ("\n\n\n", 0), ("a\n\nb", 2), ("\r\n\r\r\n", 0),
        ("a\r\n\r\nb\r\n", 2), ("a\r\r\n", 1), ("\ra\n", 1), (" \n", 1), ("\r", 0),
    ])
    func txtRules(input: String, expected: Int) throws {
        let counter = try feed(LineCounter(blank: .carriageReturn), Array(input.utf8), chunks: [])
        #expect(counter.finish() == expected, "\(input.debugDescription)")
    }

    @Test func jsonlSkipsWhitespaceOnlyLines() throws {
        let input = Array("{\"a\":1}\n  \t\r\n\n[1]\r\n".utf8)
        #expect(try feed(LineCounter(blank: .jsonWhitespace), input, chunks: []).finish() == 2)
    }

    @Test func linesLongerThan64KiBHaveNoLimit() throws {
        let line = [UInt8](repeating: 0x78, count: 300_000) + [0x0A]
        let input = line + line + [0x79]
        #expect(try feed(LineCounter(blank: .carriageReturn), input, chunks: [65_536, 7]).finish() == 3)
    }

    @Test func stateRoundTripsThroughCodableMidLine() throws {
        let first = Array("one\ntwo\r".utf8), rest = Array("\n\r\nthree".utf8)
        let counter = try feed(LineCounter(blank: .carriageReturn), first, chunks: [])
        let data = try JSONEncoder().encode(counter)
        var restored = try JSONDecoder().decode(LineCounter.self, from: data)
        try restored.consume(rest)
        #expect(restored.finish() == 3)
        #expect(restored == (try feed(LineCounter(blank: .carriageReturn), first + rest, chunks: [])))
    }
}
