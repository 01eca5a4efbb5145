import EdgeAIPKI
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TokenAuthenticatorTests {
    @Test func authenticatesKnownTokensOnly() throws {
        let auth = try TokenAuthenticator(tokenFile: "secret-1,alice,1,\"g1,g2\"\nsecret-2,bob,2\n")
        #expect(auth.authenticate(bearerToken: "secret-1") == UserInfo(name: "alice", uid: "1", groups: ["g1", "g2"]))
        #expect(auth.authenticate(bearerToken: "secret-2")?.name == "bob")
        #expect(auth.authenticate(bearerToken: "secret-3") == nil)
        #expect(auth.authenticate(bearerToken: "secret-") == nil)
        #expect(auth.authenticate(bearerToken: "secret-11") == nil)
        #expect(auth.authenticate(bearerToken: "") == nil)
        #expect(try TokenAuthenticator().authenticate(bearerToken: "") == nil)
    }

    @Test func parsesAuthorizationHeaders() throws {
        let auth = try TokenAuthenticator(tokenFile: "tok,alice,1\n")
        #expect(auth.authenticate(authorizationHeader: "Bearer tok")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "bearer  tok ")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "Basic tok") == nil)
        #expect(auth.authenticate(authorizationHeader: "Bearer") == nil)
        #expect(auth.authenticate(authorizationHeader: "tok") == nil)
        #expect(auth.authenticate(authorizationHeader: "  BEARER tok")?.name == "alice")
        #expect(auth.authenticate(authorizationHeader: "Bearer tok2") == nil)
        #expect(auth.authenticate(authorizationHeader: "Bearer\ttok") == nil)
        #expect(auth.authenticate(authorizationHeader: "Bearertok") == nil)
        #expect(auth.authenticate(authorizationHeader: "") == nil)
    }

    @Test func addedTokensAreRandomBase64URLAndPersistable() throws {
        var auth = try TokenAuthenticator()
        let token = try auth.addToken(user: "system:edgeai-cloud", groups: ["edgeai:controllers"])
        let other = try auth.addToken(user: "system:edgeai-cloud", groups: ["edgeai:controllers"])
        #expect(token != other)
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(auth.authenticate(bearerToken: token) == UserInfo(name: "system:edgeai-cloud", uid: "system:edgeai-cloud", groups: ["edgeai:controllers"]))
        let reloaded = try TokenAuthenticator(tokenFile: auth.tokenFile)
        #expect(reloaded.entries == auth.entries)
        #expect(reloaded.authenticate(bearerToken: other)?.name == "system:edgeai-cloud")
        #expect(reloaded.token(forUser: "system:edgeai-cloud", groups: ["edgeai:controllers"]) == token)
        #expect(reloaded.token(forUser: "nobody") == nil)
    }

    @Test func removedTokensNoLongerAuthenticate() throws {
        var auth = try TokenAuthenticator(tokenFile: "a,alice,1\nb,bob,2\nc,alice,1\n")
        #expect(auth.removeTokens(ofUser: "alice") == 2)
        #expect(auth.authenticate(bearerToken: "a") == nil)
        #expect(auth.authenticate(bearerToken: "c") == nil)
        #expect(auth.authenticate(bearerToken: "b")?.name == "bob")
    }

    @Test func namesTheFileCannotCarryAreRefused() throws {
        var auth = try TokenAuthenticator()
        #expect(throws: PKIError.self) { try auth.addToken(user: "") }
        #expect(throws: PKIError.self) { try auth.addToken(user: "x", groups: ["a,b"]) }
        #expect(throws: PKIError.self) { try auth.addToken(user: "x\ny") }
        #expect(throws: PKIError.self) { try auth.addToken(user: "x", groups: [""]) }
        #expect(auth.entries.isEmpty)
        #expect(throws: PKIError.self) {
            try TokenAuthenticator(entries: [TokenEntry(token: "t", user: UserInfo(name: "a")), TokenEntry(token: "t", user: UserInfo(name: "b"))])
        }
    }
}
