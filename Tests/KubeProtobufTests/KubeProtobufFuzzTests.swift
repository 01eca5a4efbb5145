import EdgeAICore
import JSON
import Testing

@testable import KubeProtobuf

/// Random corruptions of valid bodies (seeded, so a failure replays): every one either decodes
/// to an object or is a ``KubeProtobufCodec/DecodeError``; none crashes or hangs.
@Suite struct KubeProtobufFuzzTests {
    @Test func mutatedBodiesNeverCrash() throws {
        var random = SplitMix64(seed: 0x6B38_7300)
        let seeds = try [KubeProtobufCodecTests.namespace, ["apiVersion": "v1", "kind": "Event", "metadata": ["name": "e"], "count": 3]].map {
            try #require(try KubeProtobufCodec.encode($0))
        }
        var decoded = 0
        for round in 0..<3000 {
            var body = seeds[round % seeds.count]
            for _ in 0...Int.random(in: 0...4, using: &random) {
                let i = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: body[i] = UInt8.random(in: 0...255, using: &random)
                case 1: body.insert(UInt8.random(in: 0...255, using: &random), at: i)
                default: if body.count > 1 { body.remove(at: i) }
                }
            }
            do {
                let value = try KubeProtobufCodec.decode(body)
                #expect(value.objectValue != nil)
                decoded += 1
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        #expect(decoded > 0)  // some corruptions still parse (strings changed in place)
    }
}
