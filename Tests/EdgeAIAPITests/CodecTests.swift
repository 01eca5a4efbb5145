import EdgeAIAPI
import JSON
import ManifestYAML
import Testing

@Suite(.timeLimit(.minutes(5)))
struct CodecTests {
    @Test func jsonParserHandlesEscapesAndNumbers() throws {
        let value = try JSONParser.parse(#"{"a":"\u00e9\ud83d\ude00\n\"","b":[1,-2,3.5,1e3,true,false,null],"c":{}}"#)
        #expect(value["a"] == .string("é😀\n\""))
        #expect(value["b"] == [1, -2, 3.5, 1000.0, true, false, nil])
        #expect(value["c"] == [:])
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
    }

    @Test func jsonParserRejectsMalformedInputWithOffset() {
        let cases: [(String, Int)] = [
            (#"{"apiVersion": "edgeai.io/v1al"#, 30), ("[1,]", 3), (#"{"a" 1}"#, 5), ("01", 1), ("tru", 3), ("{} x", 3), ("", 0), (#""\x""#, 2),
        ]
        for (input, offset) in cases {
            do {
                _ = try JSONParser.parse(input)
                Issue.record("\(input) parsed")
            } catch {
                #expect(error.offset == offset, "\(input): \(error)")
            }
        }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)) }
    }

    @Test func unexpectedEndIsWordedAsGoWordsIt() {
        do {
            _ = try JSONParser.parse(#"{"apiVersion": "#)
        } catch {
            #expect(error.message == "unexpected end of JSON input")
        }
    }

    @Test func writerOutputParsesBackAndSortsKeys() throws {
        let value: JSONValue = ["z": 1, "a": ["s": "quote\" backslash\\ tab\t <html> \u{01}", "n": nil, "d": 0.25], "m": [true, "x"]]
        let text = JSONWriter.string(value)
        #expect(text.hasPrefix(#"{"a":{"d":0.25,"n":null,"s":"quote\" backslash\\ tab\t \u003chtml\u003e \u0001"},"m""#))
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func writerEscapesAtEveryPositionAndKeepsUTF8() throws {
        // Escapes first, last and back to back, between runs of plain and multi-byte text.
        let value = JSONValue.string("\"a&&b\nnaïve 数据\\")
        #expect(JSONWriter.string(value) == #""\"a\u0026\u0026b\nnaïve 数据\\""#)
        #expect(JSONWriter.string(.string("")) == #""""#)
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        // Keys are written in byte order, as Go sorts them.
        #expect(JSONWriter.string(["b": 1, "B": 2, "é": 3, "a": 4]) == #"{"B":2,"a":4,"b":1,"é":3}"#)
    }

    @Test func multiDocumentYAMLInAndOut() throws {
        let yaml = """
            # a comment
            apiVersion: v1
            kind: A
            metadata: {name: one, labels: {tier: "true"}}
            data: |
              line one
              line two
            ---
            ---
            kind: B
            count: 3
            ratio: 0.5
            empty: null
            quoted: "007"
            """
        let documents = try Manifests.parse(yaml)
        #expect(documents.count == 2)
        #expect(documents[0]["metadata"]?["labels"]?["tier"] == "true")
        #expect(documents[0]["data"] == "line one\nline two\n")
        #expect(documents[1]["count"] == 3)
        #expect(documents[1]["ratio"] == 0.5)
        #expect(documents[1]["empty"] == .null)
        #expect(documents[1]["quoted"] == "007")
        let again = try Manifests.parse(Manifests.yaml(documents))
        #expect(again == documents)
        #expect(Manifests.yaml(documents).contains("---\n"))
    }

    @Test func malformedYAMLFailsWholeWithItsLine() {
        let yaml = "kind: A\n---\nkind: B\n  bad: indentation\n: x\n"
        do {
            _ = try Manifests.parse(yaml)
            Issue.record("malformed YAML parsed")
        } catch {
            #expect(error.message.contains("line 4") || error.message.contains("line 3"), "\(error.message)")
        }
        #expect(throws: Manifests.ParseError.self) { try Manifests.parse("a: 1\na: 2\n") }
        #expect(throws: Manifests.ParseError.self) { try Manifests.parse("a: [1, 2\n") }
    }

    @Test func jsonManifestsAreAccepted() throws {
        #expect(try Manifests.parse(#"{"kind":"A"}"#) == [["kind": "A"]])
        #expect(try Manifests.parse(#"[{"kind":"A"},{"kind":"B"}]"#).count == 2)
    }
}
