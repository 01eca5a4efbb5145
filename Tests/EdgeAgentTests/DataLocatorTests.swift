import DatasetScan
@testable import EdgeAgent
import EdgeAITesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DataLocatorTests {
    @Test func acceptsAbsolutePathsAndFileURLsInsideAllowedRoots() throws {
        let locator = try DataLocator(allow: ["/data"])
        #expect(try locator.resolve("/data/cats/index.txt").get().hostPath == "/data/cats/index.txt")
        #expect(try locator.resolve("file:///data/cats/index.txt").get().nodePath == "/data/cats/index.txt")
        #expect(try locator.resolve("file://localhost/data/a%20b.txt").get().nodePath == "/data/a b.txt")
        #expect(try locator.resolve("/data//./x.txt").get().nodePath == "/data/x.txt")
    }

    @Test func refusesOtherSchemesRelativePathsAndTraversal() throws {
        let locator = try DataLocator(allow: ["/data"])
        let cases: [(String, String)] = [
            ("s3://bucket/x", "scheme \"s3\" is not supported"),
            ("http://host/x", "scheme \"http\" is not supported"),
            ("data/x.txt", "is not an absolute path"),
            ("/data/../etc/passwd", "contains \"..\""),
            ("file://otherhost/data/x", "must name a local absolute path"),
            ("/etc/passwd", "outside the allowed roots"),
            ("/database/x", "outside the allowed roots"),
            ("", "empty"),
        ]
        for (url, message) in cases {
            guard case .failure(let error) = locator.resolve(url) else {
                Issue.record("\(url) was accepted")
                continue
            }
            #expect(error.reason == "NotAllowed")
            #expect(error.message.contains(message), "\(url): \(error.message)")
        }
    }

    /// Messages name the node path the user wrote, never the agent's mount of it.
    @Test func nodePathOfAHostPathUnderTheRoot() throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        let mounted = try DataLocator(root: host.path, allow: ["/data"])
        #expect(mounted.nodePath(ofHost: mounted.root + "/data/missing.txt") == "/data/missing.txt")
        #expect(mounted.nodePath(ofHost: mounted.root) == "/")
        #expect(mounted.nodePath(ofHost: mounted.root + "x/data") == mounted.root + "x/data")
        #expect(mounted.nodePath(ofHost: "/elsewhere") == "/elsewhere")
        let plain = try DataLocator(allow: ["/data"])
        #expect(plain.nodePath(ofHost: "/data/x") == "/data/x")
    }

    @Test func noAllowedRootsRefusesEverything() throws {
        let locator = try DataLocator(allow: [])
        guard case .failure(let error) = locator.resolve("/data/x") else {
            Issue.record("accepted without --allow")
            return
        }
        #expect(error.message.contains("none configured"))
    }

    @Test func resolvesUnderTheRootLikeAMountedHost() throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        try FileManager.default.createDirectory(atPath: host.path + "/data/real", withIntermediateDirectories: true)
        try writeFile(host.path + "/data/real/x.txt", "a\n")
        // An absolute link target is a node path: it resolves under the root, not on the host.
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/link", withDestinationPath: "/data/real")
        let locator = try DataLocator(root: host.path, allow: ["/data"])
        let location = try locator.resolve("/data/link/x.txt").get()
        #expect(location.nodePath == "/data/real/x.txt")
        #expect(location.hostPath == host.path + "/data/real/x.txt")
    }

    /// The host path the agent opens holds no link, even when the root is one, so the scanner
    /// can open it without following any: a link that is swapped in later is refused, not read.
    @Test func theHostPathHoldsNoLinkEvenUnderALinkedRoot() throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        try FileManager.default.createDirectory(atPath: host.path + "/real/data", withIntermediateDirectories: true)
        try writeFile(host.path + "/real/data/x.txt", "a\nb\n")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/mounted", withDestinationPath: host.path + "/real")
        let locator = try DataLocator(root: host.path + "/mounted", allow: ["/data"])
        #expect(locator.root == host.path + "/real")
        let location = try locator.resolve("/data/x.txt").get()
        #expect(location.hostPath == host.path + "/real/data/x.txt")
        let agentScanner = DatasetScanner(options: .init(followSymlinks: false))
        #expect(try agentScanner.scan(path: location.hostPath, format: .txt).numberOfSamples == 2)
        // A directory swapped for a link after the resolution: refused at the open.
        try FileManager.default.moveItem(atPath: host.path + "/real/data", toPath: host.path + "/elsewhere")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/real/data", withDestinationPath: host.path + "/elsewhere")
        let refused = #expect(throws: ScanError.self) { try agentScanner.scan(path: location.hostPath, format: .txt) }
        #expect(refused?.reason == "NotAllowed")
    }

    @Test func refusesSymlinksThatEscapeTheAllowedRoots() throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        try FileManager.default.createDirectory(atPath: host.path + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: host.path + "/secret", withIntermediateDirectories: true)
        try writeFile(host.path + "/secret/key.txt", "secret\n")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/abs", withDestinationPath: "/secret/key.txt")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/rel", withDestinationPath: "../secret")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/up", withDestinationPath: "../../../../../../secret")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/loop", withDestinationPath: "loop")
        let locator = try DataLocator(root: host.path, allow: ["/data"])
        for url in ["/data/abs", "/data/rel/key.txt", "/data/up/key.txt"] {
            guard case .failure(let error) = locator.resolve(url) else {
                Issue.record("\(url) escaped")
                continue
            }
            #expect(error.message.contains("outside the allowed roots"), "\(error.message)")
            #expect(error.message.contains("/secret"))
        }
        guard case .failure(let loop) = locator.resolve("/data/loop") else {
            Issue.record("a symlink loop was accepted")
            return
        }
        #expect(loop.message.contains("too many levels of symbolic links"))
    }

    @Test func missingFilesResolveLexicallySoTheScanReportsNotFound() throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        let locator = try DataLocator(root: host.path, allow: ["/data"])
        #expect(try locator.resolve("/data/later/x.txt").get().hostPath == host.path + "/data/later/x.txt")
    }

    @Test func allowEntriesMustBeAbsoluteWithoutTraversal() {
        #expect(throws: LocationError.self) { try DataLocator(allow: ["data"]) }
        #expect(throws: LocationError.self) { try DataLocator(allow: ["/data/../etc"]) }
        #expect(throws: LocationError.self) { try DataLocator(root: "relative", allow: ["/data"]) }
    }
}
