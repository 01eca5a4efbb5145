import EdgeAIAPI
import EdgeAITesting
import Foundation
import NIOHTTP1
import PropertyBased
import Testing

@testable import APIServer

/// Mutated request bodies (JSON, YAML, apply patches) against a live server: every answer is a
/// 2xx or 4xx, never a 5xx, each within a time budget, and the server keeps answering.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RequestFuzzTests {
    static let seeds: [String] = [
        TestServer.dataset("fuzz"),
        "apiVersion: edgeai.io/v1alpha1\nkind: Dataset\nmetadata: {name: fuzz, labels: &l {a: b}, annotations: *l}\nspec: {dataUrl: /d, format: txt, nodeName: e}\n",
        #"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"fuzz","finalizers":["a/b"],"ownerReferences":[{"apiVersion":"v1","kind":"K","name":"n","uid":"u"}]},"spec":{"dataUrl":"/d","format":"txt","nodeName":"e"}}"#,
    ]
    static let alphabet = Array(#"{}[]:,"&*-\n 'a1/\u#"#.utf8) + [0x00, 0x80, 0xFF]
    static let contentTypes = ["application/json", "application/yaml", "application/apply-patch+yaml", "application/merge-patch+json"]

    static let mutated = zip(
        Gen.int(in: 0...(seeds.count - 1)), Gen.int(in: 0...(contentTypes.count - 1)),
        zip(Gen.int(in: 0...4000), Gen.int(in: 0...(alphabet.count - 1)), Gen.bool()).array(of: 0...12)
    ).map { seed, type, edits -> (String, [UInt8]) in
        var bytes = Array(seeds[seed].utf8)
        for (position, letter, insert) in edits where !bytes.isEmpty {
            let at = position % bytes.count
            if insert { bytes.insert(alphabet[letter], at: at) } else { bytes[at] = alphabet[letter] }
        }
        return (contentTypes[type], bytes)
    }

    @Test func mutatedBodiesNeverGetA5xx() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(TestServer.datasets, TestServer.dataset("fuzz"))
        let clock = ContinuousClock()
        await propertyCheck(count: 120, input: Self.mutated) { input in
            let (type, bytes) = input
            let text = String(decoding: bytes, as: UTF8.self)
            let start = clock.now
            let reply: TestServer.Reply
            do {
                if type.hasSuffix("+yaml") || type.hasSuffix("+json") {
                    reply = try await s.request(.PATCH, TestServer.datasets + "/fuzz?fieldManager=fuzz&force=true", body: text, contentType: type)
                } else {
                    reply = try await s.request(.POST, TestServer.datasets + "?fieldValidation=Strict", body: text, contentType: type)
                }
            } catch {
                Issue.record("request failed: \(error)")
                return
            }
            #expect(reply.status < 500, "\(type) \(text.prefix(300)) → \(reply.status) \(reply.text.prefix(300))")
            #expect(clock.now - start < .seconds(5))
        }
        #expect(try await s.get("/healthz").status == 200)
        try await s.stop()
    }
}
