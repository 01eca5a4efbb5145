import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML
import PropertyBased
import Testing

/// The YAML reader and the JSON parser on random and mutated input: they return a value or
/// throw their own error, never crash, and stay within a time budget even on alias-heavy input.
struct DecoderFuzzTests {
    static let seeds: [String] = [
        """
        apiVersion: edgeai.io/v1alpha1
        kind: Dataset
        metadata: {name: d, labels: &l {app: x}, annotations: *l}
        spec: {dataUrl: /d, format: txt, nodeName: e}
        ---
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
        """,
        """
        a: &a [x, x, x, x]
        b: &b [*a, *a, *a, *a]
        c: &c [*b, *b, *b, *b]
        d: &d [*c, *c, *c, *c]
        e: [*d, *d, *d, *d]
        """,
        #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"d"},"spec":{"dataUrl":"/a","dataUrl":"/b"}}"#,
    ]
    static let alphabet = Array("&*:-[]{}\n '\"#!|>,a1?%@`\\".utf8)

    /// A seed with up to 40 bytes replaced or inserted from YAML's significant characters.
    static let mutated = zip(
        Gen.int(in: 0...(seeds.count - 1)),
        zip(Gen.int(in: 0...4000), Gen.int(in: 0...(alphabet.count - 1)), Gen.bool()).array(of: 0...40)
    ).map { seed, edits -> String in
        var bytes = Array(seeds[seed].utf8)
        for (position, letter, insert) in edits where !bytes.isEmpty {
            let at = position % bytes.count
            if insert { bytes.insert(alphabet[letter], at: at) } else { bytes[at] = alphabet[letter] }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func mutatedYAMLNeverCrashesAndStaysInBudget() async {
        await propertyCheck(count: 400, input: Self.mutated) { text in
            let clock = ContinuousClock()
            let start = clock.now
            do throws(Manifests.ParseError) {
                let values = try Manifests.parse(text)
                let budget = YAMLExpansionBudget.forInput(bytes: text.utf8.count)
                #expect(values.reduce(0) { $0 + Self.nodes($1) } <= budget.maxNodes)
            } catch {
                #expect(!error.message.isEmpty)
            }
            #expect(clock.now - start < .seconds(2))
        }
    }

    @Test func randomBytesNeverCrashTheJSONParser() async {
        let bytes = Gen.int(in: 0...(Self.jsonAlphabet.count - 1)).map { Self.jsonAlphabet[$0] }.array(of: 0...300)
        await propertyCheck(count: 600, input: bytes) { input in
            var duplicates: [String] = []
            if let value = try? JSONParser.parse(input, duplicateKeys: &duplicates) {
                #expect(value == (try? JSONParser.parse(input)))
            }
            #expect(duplicates.count <= JSONParser.maximumReportedDuplicates)
        }
    }

    static let jsonAlphabet = Array(#"{}[]:,"a\u0 1-e.tfn "#.utf8) + [0x80, 0xFF, 0x0A]

    @Test func deepNestingIsRefusedNotAStackOverflow() {
        let deepYAML = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        #expect(throws: Manifests.ParseError.self) { try Manifests.parse("a: " + deepYAML) }
        let deepJSON = Array(repeating: UInt8(ascii: "["), count: 200_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deepJSON) }
    }

    static func nodes(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + items.reduce(0) { $0 + nodes($1) }
        case .object(let members): 1 + members.values.reduce(0) { $0 + 1 + nodes($1) }
        default: 1
        }
    }
}
