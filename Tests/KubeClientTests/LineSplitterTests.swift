import Testing

@testable import KubeClient

@Suite(.timeLimit(.minutes(5)))
struct LineSplitterTests {
    func lines(_ chunks: [String], max: Int = 1 << 20) throws -> [String] {
        var splitter = LineSplitter(maximumLineLength: max)
        var out: [String] = []
        for chunk in chunks {
            try splitter.append(Array(chunk.utf8))
            while let line = splitter.nextLine() { out.append(String(decoding: line, as: UTF8.self)) }
        }
        if let last = splitter.finish() { out.append(String(decoding: last, as: UTF8.self)) }
        return out
    }

    @Test func splitsLinesAcrossChunkBoundaries() throws {
        #expect(try lines(["{\"a\":", "1}\n{\"b\"", ":2}\n", "\n{\"c\":3}"]) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
        #expect(try lines(["x\r\ny\r", "\n"]) == ["x", "y"])
        #expect(try lines(["a\nb\nc\n"]) == ["a", "b", "c"])
        #expect(try lines(["", "\n", "  \n"]) == [])
    }

    @Test func everySplitPointGivesTheSameLines() throws {
        let text = "{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\",\"x\":\"é\"}\n{\"type\":\"DELETED\"}\n"
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var splitter = LineSplitter()
            var out: [[UInt8]] = []
            try splitter.append(bytes[..<cut])
            while let l = splitter.nextLine() { out.append(l) }
            try splitter.append(bytes[cut...])
            while let l = splitter.nextLine() { out.append(l) }
            #expect(out.count == 3)
            #expect(out.map { String(decoding: $0, as: UTF8.self) } == text.split(separator: "\n").map(String.init))
        }
    }

    @Test func boundsTheLineLength() throws {
        #expect(throws: LineSplitter.LineTooLong(limit: 8)) { try lines(["0123", "45678"], max: 8) }
        #expect(throws: LineSplitter.LineTooLong(limit: 8)) { try lines(["012345678\n"], max: 8) }
        #expect(try lines(["01234567\n0123", "4567\n"], max: 8) == ["01234567", "01234567"])
    }
}
