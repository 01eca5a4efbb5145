import EdgeAIPKI
import Testing

@Suite(.timeLimit(.minutes(5)))
struct TokenFileTests {
    @Test func parsesKubernetesFormatWithQuotedGroups() throws {
        let text = """
            t1,alice,uid-1,"system:masters,devs"
            t2,bob,uid-2
            t3,carol,uid-3,ops

            "t,4","dave ""the"" admin",uid-4,"a"
            """
        let entries = try TokenFile.parse(text)
        #expect(entries == [
            TokenEntry(token: "t1", user: UserInfo(name: "alice", uid: "uid-1", groups: ["system:masters", "devs"])),
            TokenEntry(token: "t2", user: UserInfo(name: "bob", uid: "uid-2")),
            TokenEntry(token: "t3", user: UserInfo(name: "carol", uid: "uid-3", groups: ["ops"])),
            TokenEntry(token: "t,4", user: UserInfo(name: "dave \"the\" admin", uid: "uid-4", groups: ["a"])),
        ])
    }

    @Test func renderRoundTrips() throws {
        let entries = [
            TokenEntry(token: "abc", user: UserInfo(name: "admin", uid: "admin", groups: ["system:masters", "x y"])),
            TokenEntry(token: "def", user: UserInfo(name: "we\"ird", uid: "u", groups: [])),
        ]
        let text = TokenFile.render(entries)
        #expect(text == "abc,admin,admin,\"system:masters,x y\"\ndef,\"we\"\"ird\",u\n")
        #expect(try TokenFile.parse(text) == entries)
    }

    @Test func acceptsCRLFLineEndings() throws {
        let entries = try TokenFile.parse("t1,a,1,g\r\nt2,b,2\r\n")
        #expect(entries.map(\.user.name) == ["a", "b"])
        #expect(entries[0].user.groups == ["g"])
    }

    @Test func malformedLinesAreErrorsNamingTheLine() {
        let cases: [(String, String)] = [
            ("t1,a,1\nonly,two\n", "line 2"),
            ("t1,a,1,\"unterminated\n", "line 1"),
            ("t1,a,1\nt1,b,2\n", "duplicate"),
            (",a,1\n", "empty token"),
            ("t1,a\"b,1\n", "bare quote"),
            ("\"t1\"x,a,1\n", "after closing quote"),
        ]
        for (text, fragment) in cases {
            let error = #expect(throws: PKIError.self, "\(text)") { try TokenFile.parse(text) }
            #expect(error?.code == .invalidTokenFile)
            #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "") should mention \(fragment)")
        }
    }
}
