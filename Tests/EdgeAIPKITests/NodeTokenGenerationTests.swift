import EdgeAIPKI
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct NodeTokenGenerationTests {
    static let secret = ClusterSecret.generate()

    @Test func generationTokensNameNodeAndGeneration() throws {
        for node in ["edge-1", "a.g5", "edge.rack-2.site-3", String(repeating: "a", count: 253)] {
            let token = try NodeToken.issue(node: node, generation: 42, secret: Self.secret)
            #expect(NodeToken.identity(token, secret: Self.secret) == NodeIdentity(node: node, generation: 42))
            // Not a generation-less token of any node.
            #expect(NodeToken.verify(token, secret: Self.secret) == nil)
            let legacy = try NodeToken.issue(node: node, secret: Self.secret)
            #expect(NodeToken.identity(legacy, secret: Self.secret) == NodeIdentity(node: node, generation: nil))
        }
        let g1 = try NodeToken.issue(node: "edge-1", generation: 1, secret: Self.secret)
        let g2 = try NodeToken.issue(node: "edge-1", generation: 2, secret: Self.secret)
        #expect(g1 != g2)
        // A generation edited in the token does not verify.
        let edited = g1.replacingOccurrences(of: ".g1.", with: ".g2.")
        #expect(NodeToken.identity(edited, secret: Self.secret) == nil)
        #expect(NodeToken.identity(g1, secret: ClusterSecret.generate()) == nil)
        #expect(NodeToken.identity("edge-1.gx." + String(repeating: "A", count: 43), secret: Self.secret) == nil)
        #expect(NodeToken.identity("edge-1.g99999999999999999999999." + String(repeating: "A", count: 43), secret: Self.secret) == nil)
    }
}
