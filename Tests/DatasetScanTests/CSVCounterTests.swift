@testable import DatasetScan
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct CSVCounterTests {
    @Test func anyChunkingMatchesTheReference() async {
        // a , " \n \r: chunk edges fall inside CRLFs, quoted fields and "" escapes.
        await propertyCheck(count: 300, input: bytesGen([0x61, 0x2C, 0x22, 0x0A, 0x0D], length: 0...500), chunksGen) {
            bytes, chunks in
            let counter = try feed(CSVCounter(), bytes, chunks: chunks)
            if let expected = Reference.csv(bytes) {
                #expect(try counter.finish() == expected)
            } else {
                #expect(throws: ParseError.self) { try counter.finish() }
            }
        }
    }

    /// Well-formed files built row by row: the count is the number of data rows.
    @Test func generatedRFC4180FilesCountTheirRows() async {
        let field = Gen.int(in: 0...5).map { ["a", "b,c", "say \"\"hi\"\"", "two\nlines", "", "x\r\ny"][$0] }
        let row = field.array(of: 1...4)
        await propertyCheck(count: 200, input: row.array(of: 0...30), Gen.bool, chunksGen) { rows, crlf, chunks in
            let newline = crlf ? "\r\n" : "\n"
            let text = (["id,text"] + rows.map { $0.map { "\"\($0)\"" }.joined(separator: ",") })
                .joined(separator: newline) + newline + newline  // trailing blank line is not a sample
            let counter = try feed(CSVCounter(), Array(text.utf8), chunks: chunks)
            #expect(try counter.finish() == rows.count)
        }
    }

    @Test(arguments: [
        ("", 0), ("h\n", 0), ("h\na", 1), ("h\r\na\r\nb\r\n", 2), ("\n\nh\n\r\n1\n\n2", 2),
        ("h\n\"a,\"\"b\"\"\nc\",d\n", 1), ("h,i\n\"\",\"\"\n", 1),
    ])
    func rules(input: String, expected: Int) throws {
        #expect(try feed(CSVCounter(), Array(input.utf8), chunks: []).finish() == expected, "\(input.debugDescription)")
    }

    @Test func unterminatedQuoteIsAParseErrorAtTheQuote() throws {
        var input = Array("h\n1,\"ok\"\n2,\"open".utf8)
        input += [UInt8](repeating: 0x78, count: 200)  // the open quote lies in a SIMD block's past
        let counter = try feed(CSVCounter(), input, chunks: [64, 3])
        let error = #expect(throws: ParseError.self) { try counter.finish() }
        #expect(error?.offset == 11)
        #expect(error?.description.contains("unterminated quoted field at byte offset 11") == true)
    }

    @Test func openQuoteOffsetFoundInsideAFullBlock() throws {
        let input = Array("h\n".utf8) + [UInt8](repeating: 0x61, count: 70) + [0x22] + [UInt8](repeating: 0x62, count: 100)
        let counter = try feed(CSVCounter(), input, chunks: [])
        #expect(throws: ParseError(offset: 72, message: "unterminated quoted field")) { try counter.finish() }
    }
}
