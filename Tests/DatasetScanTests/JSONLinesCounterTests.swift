@testable import DatasetScan
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct JSONLinesCounterTests {
    static let valid = [
        "{}", "[]", "0", "-1.5e+10", "\"a\\\"b\\u00e9\"", "true", "null", " {\"a\": [1, {\"b\": false}], \"c\": \"\"}\r",
        "[1,2.0,-0,3E2]",
    ]
    static let invalid = ["{", "[1,]", "{\"a\"}", "01", "tru", "\"x", "{} {}", "[1 2]", "1.", "\"a\\x\"", "{\"a\":1,}"]

    @Test func countsValidLinesUnderAnyChunking() async {
        let line = Gen.int(in: 0...(Self.valid.count + 1)).map { $0 < Self.valid.count ? Self.valid[$0] : "  " }
        await propertyCheck(count: 200, input: line.array(of: 0...20), chunksGen) { lines, chunks in
            let bytes = Array(lines.joined(separator: "\n").utf8)
            let counter = try feed(JSONLinesCounter(), bytes, chunks: chunks)
            #expect(try counter.finish() == lines.filter { $0 != "  " }.count)
        }
    }

    @Test(arguments: invalid)
    func rejectsInvalidLinesWithTheirOffset(line: String) throws {
        let bytes = Array("{\"ok\":1}\n\(line)\n".utf8)
        let error = #expect(throws: ParseError.self) {
            _ = try feed(JSONLinesCounter(), bytes, chunks: [3]).finish()
        }
        #expect(error?.message.contains("line starting at offset 9") == true)
        #expect((error?.offset ?? 0) >= 9)
    }
}
