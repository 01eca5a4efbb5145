import EdgeAIPKI
import Testing

@Suite(.timeLimit(.minutes(5)))
struct NodeTokenTests {
    static let secret = ClusterSecret.generate()

    @Test func issuedTokenVerifiesToItsNode() throws {
        for node in ["edge-1", "a", "edge.rack-2.site-3", String(repeating: "a", count: 253)] {
            let token = try NodeToken.issue(node: node, secret: Self.secret)
            #expect(token.hasPrefix(node + "."))
            #expect(NodeToken.verify(token, secret: Self.secret) == node)
        }
        // Deterministic: the cloud recomputes rather than stores.
        #expect(try NodeToken.issue(node: "edge-1", secret: Self.secret) == NodeToken.issue(node: "edge-1", secret: Self.secret))
    }

    @Test func forgedMACIsRejected() throws {
        let token = try NodeToken.issue(node: "edge-1", secret: Self.secret)
        var chars = Array(token)
        let i = chars.count - 5
        chars[i] = chars[i] == "A" ? "B" : "A"
        #expect(NodeToken.verify(String(chars), secret: Self.secret) == nil)
    }

    @Test func anotherNodesNameWithThisMACIsRejected() throws {
        let token = try NodeToken.issue(node: "edge-1", secret: Self.secret)
        let mac = token.split(separator: ".").last.map(String.init) ?? ""
        #expect(NodeToken.verify("edge-2." + mac, secret: Self.secret) == nil)
        #expect(NodeToken.verify("x.edge-1." + mac, secret: Self.secret) == nil)
    }

    @Test func wrongSecretIsRejected() throws {
        let token = try NodeToken.issue(node: "edge-1", secret: Self.secret)
        #expect(NodeToken.verify(token, secret: ClusterSecret.generate()) == nil)
    }

    @Test func malformedTokensAreRejected() throws {
        let valid = try NodeToken.issue(node: "edge-1", secret: Self.secret)
        let mac = String(valid.dropFirst("edge-1.".count))
        let short = String(mac.dropLast())
        let bad: [String] = [
            "", ".", "edge-1", "edge-1.", "." + mac, "Edge-1." + mac, "edge_1." + mac,
            "edge-1." + mac + "=", "edge-1." + short, "edge-1." + mac + "A",
            "edge-1." + short + "+", "edge-1." + short + "/", "edge-1." + short + "=",
            "-edge." + mac, String(repeating: "a", count: 254) + "." + mac,
        ]
        for bad in bad {
            #expect(NodeToken.verify(bad, secret: Self.secret) == nil, "\(bad)")
        }
    }

    @Test func issueRefusesNamesThatAreNotDNSSubdomains() {
        for node in ["", "Edge", "edge_1", "-edge", "edge-", "edge..1", ".edge", "edge.", String(repeating: "a", count: 254)] {
            let error = #expect(throws: PKIError.self, "\(node)") { try NodeToken.issue(node: node, secret: Self.secret) }
            #expect(error?.code == .invalidName)
        }
    }

    @Test func dnsSubdomainValidationMatchesKubernetes() {
        for ok in ["a", "0", "a-b", "a.b", "a1.b-2.c3", String(repeating: "x", count: 253)] {
            #expect(DNSName.isSubdomain(ok), "\(ok)")
        }
        for bad in ["", "A", "a_b", "a.", ".a", "a..b", "a.-b", "a-.b", "-a", "a-", "é", "a b", String(repeating: "x", count: 254)] {
            #expect(!DNSName.isSubdomain(bad), "\(bad)")
        }
    }

    @Test func secretRoundTripsThroughBase64AndRejectsWrongLengths() throws {
        let reloaded = try ClusterSecret(base64: Self.secret.base64 + "\n")
        #expect(try NodeToken.issue(node: "n", secret: reloaded) == NodeToken.issue(node: "n", secret: Self.secret))
        #expect(throws: PKIError.self) { try ClusterSecret(base64: "c2hvcnQ=") }
        #expect(throws: PKIError.self) { try ClusterSecret(base64: "%%%") }
        #expect(!"\(Self.secret)".contains(Self.secret.base64))
    }
}
