import EdgeAIAPI
import EdgeAICore
import EdgeAIPeerTesting
import EdgeAITesting
@testable import EdgeAgent
import EdgeSync
import Foundation
import RemoteStore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The agent's remote datasets against real peers: nginx over HTTPS (ETag, 304) and moto's S3
/// server with signature checking (credentials from a credentials directory, paginated prefix).
@Suite(.timeLimit(.minutes(4)))
struct RemoteDatasetTests {
    func configuration(_ directory: TemporaryDirectory) -> EdgeAgent.Configuration {
        var configuration = EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
        configuration.remoteRetryBackoff = Backoff(initial: .seconds(3600), maximum: .seconds(3600))
        return configuration
    }

    @Test(.enabled(if: Peers.nginxEnabled, "nginx not installed (\(Peers.nginxInstall))"))
    func anHTTPSIndexIsCountedAndAChangeIsNoticedByItsETag() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let index = Array((0..<5000).map { "sample \($0)\n" }.joined().utf8)
        try nginx.put("train.txt", index)
        var configuration = configuration(directory)
        configuration.remote = RemoteClient.Configuration(tls: try nginx.tls())
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let remote = try #require(node.remote)
            try await node.apply(.upsert(makeDataset("train", dataUrl: nginx.url("train.txt"))))
            // A presigned-looking query stays out of the status and its messages.
            try await node.apply(.upsert(makeDataset("signed", dataUrl: nginx.url("train.txt?X-Amz-Signature=topsecret"))))
            try await node.apply(.upsert(makeDataset("gone", dataUrl: nginx.url("absent.txt?X-Amz-Signature=topsecret"))))
            try await eventually("counted") { capture.latestDatasetStatus("train")?.numberOfSamples == 5000 }
            let first = try #require(capture.latestDatasetStatus("train"))
            #expect(first.source == nginx.url("train.txt") && first.sizeBytes == Int64(index.count))
            #expect(first.conditions?[type: "Ready"]?.status == "True")
            let version = try #require(first.version)
            try await eventually("signed counted") { capture.latestDatasetStatus("signed")?.numberOfSamples == 5000 }
            #expect(capture.latestDatasetStatus("signed")?.source == nginx.url("train.txt"))
            try await eventually("missing reported") { capture.latestDatasetStatus("gone")?.conditions?[type: "Ready"]?.reason == "NotFound" }
            let gone = try #require(capture.latestDatasetStatus("gone"))
            #expect(gone.numberOfSamples == 0 && gone.source == nginx.url("absent.txt"))
            let goneMessage: String? = gone.conditions?[type: "Ready"]?.message
            #expect(goneMessage?.contains("topsecret") == false)

            // Unchanged: the rescan asks conditionally, nginx answers 304, nothing is reported.
            let reports = capture.reports.withLock { $0.count }
            await remote.rescanAll()
            let looks = try nginx.accessEntries().filter { $0.uri == "/train.txt" }
            #expect(looks.suffix(2).allSatisfy { $0.status == 304 && $0.bytes == 0 })
            #expect(capture.reports.withLock { $0.count } == reports)

            // Changed: a new ETag, counted again.
            try nginx.put("train.txt", Array("a\nb\nc\n".utf8))
            await remote.rescanAll()
            try await eventually("recounted") { capture.latestDatasetStatus("train")?.numberOfSamples == 3 }
            #expect(capture.latestDatasetStatus("train")?.version != version)
        }
    }

    /// `localCopy`: jobs get a path on the node; the object crosses the network once per version
    /// (a rescan of an unchanged object is one HEAD); a change is fetched beside the old copy.
    @Test(.enabled(if: Peers.nginxEnabled, "nginx not installed (\(Peers.nginxInstall))"))
    func aLocalCopyIsKeptForJobsAndFetchedAgainOnlyWhenTheObjectChanges() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let index = Array((0..<2000).map { "sample \($0)\n" }.joined().utf8)
        try nginx.put("copy.txt", index)
        var configuration = configuration(directory)
        configuration.remote = RemoteClient.Configuration(tls: try nginx.tls())
        let copies = configuration.dataDirectory + "/dataset-copies/"
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let remote = try #require(node.remote)
            try await node.apply(.upsert(makeDataset("copied", dataUrl: nginx.url("copy.txt"), localCopy: true)))
            try await node.apply(.upsert(makeDataset("streamed", dataUrl: nginx.url("copy.txt"))))
            try await node.apply(.upsert(makeDataset("prefix", dataUrl: nginx.url("copy.txt"), format: "dir", localCopy: true)))
            try await eventually("counted from the copy") { capture.latestDatasetStatus("copied")?.numberOfSamples == 2000 }
            let path = try await eventuallyValue { await node.dataset(namespace: "default", name: "copied")?.path }
            #expect(path.hasPrefix(copies))
            #expect(FileManager.default.contents(atPath: path) == Data(index))
            #expect(capture.latestDatasetStatus("copied")?.conditions?[type: "Ready"]?.status == "True")
            // Without localCopy there is no file for jobs; a dir prefix cannot be copied.
            try await eventually("streamed") { capture.latestDatasetStatus("streamed")?.numberOfSamples == 2000 }
            #expect(await node.dataset(namespace: "default", name: "streamed")?.path == nil)
            try await eventually("dir refused") { capture.latestDatasetStatus("prefix")?.conditions?[type: "Ready"]?.reason == "NotAllowed" }

            // Unchanged: one HEAD, no body, the same file.
            let before = try nginx.accessEntries().filter { $0.uri == "/copy.txt" }.count
            await remote.rescanAll()
            let rescan = try nginx.accessEntries().filter { $0.uri == "/copy.txt" }.dropFirst(before)
            #expect(rescan.count == 2 && rescan.allSatisfy { $0.bytes == 0 })  // the copy's HEAD, the stream's 304
            #expect(await node.dataset(namespace: "default", name: "copied")?.path == path)

            // Changed: a new version beside the old one, and jobs are pointed at it.
            try nginx.put("copy.txt", Array("a\nb\nc\n".utf8))
            await remote.rescanAll()
            try await eventually("recounted") { capture.latestDatasetStatus("copied")?.numberOfSamples == 3 }
            let newPath = try await eventuallyValue { await node.dataset(namespace: "default", name: "copied")?.path.flatMap { $0 == path ? nil : $0 } }
            #expect(FileManager.default.contents(atPath: newPath) == Data("a\nb\nc\n".utf8))
            #expect(FileManager.default.fileExists(atPath: path))  // a job reading the old copy keeps it
        }
    }

    @Test func plainHTTPNeedsTheFlag() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = "http://127.0.0.1:\(try freeLoopbackPort())/x.txt"
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeDataset("plain", dataUrl: url)))
            try await eventually("refused") { capture.latestDatasetStatus("plain")?.conditions?[type: "Ready"]?.reason == "NotAllowed" }
            let remote = try #require(node.remote)
            #expect(await remote.looksStarted == 1)
        }
        var allowed = configuration(directory)
        allowed.allowInsecureHTTP = true
        // AsyncHTTPClient keeps trying a refused connection until its connect timeout.
        allowed.remote = RemoteClient.Configuration(connectTimeout: .seconds(2))
        try await withAgent(allowed) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeDataset("plain", dataUrl: url, rv: "2")))
            // Allowed, so it is fetched: nothing listens there.
            try await eventually("unreachable", timeout: .seconds(60)) {
                capture.latestDatasetStatus("plain")?.conditions?[type: "Ready"]?.reason == "Unreachable"
            }
        }
    }

    /// A remote store that never answers holds no scan thread and delays no local dataset.
    @Test func aSilentStoreDoesNotHoldUpLocalData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/local.txt", 4)
        let silent = try SilentListener()
        defer { silent.close() }
        var configuration = configuration(directory)
        configuration.remoteConcurrency = 2
        // Long enough that the remote looks are still stuck when the local count is checked;
        // the agent's shutdown waits for AsyncHTTPClient to give up connecting.
        configuration.remote = RemoteClient.Configuration(stallTimeout: .seconds(20), connectTimeout: .seconds(20))
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            for index in 0..<4 {
                try await node.apply(.upsert(makeDataset("r\(index)", dataUrl: "https://127.0.0.1:\(silent.port)/i\(index).txt")))
            }
            try await node.apply(.upsert(makeDataset("local", dataUrl: data + "/local.txt")))
            try await eventually("local counted") { capture.latestDatasetStatus("local")?.numberOfSamples == 4 }
            let remote = try #require(node.remote)
            #expect(await remote.looksStarted == 2)
            #expect(capture.latestDatasetStatus("r0") == nil)
        }
    }

    @Test(.enabled(if: Peers.motoEnabled, "moto not installed (\(Peers.motoInstall))"))
    func s3ObjectsAndPrefixesAreCountedWithCredentialsFromTheDirectory() async throws {
        let moto = try await MotoPeer(objects: ["index/train.txt": "a\nb\n\nc\n"], generated: ("many-", 25))
        defer { moto.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let credentials = directory.path + "/credentials"
        try writeCredentials(credentials, name: "default", moto: moto, secret: moto.credentials.secretAccessKey)
        var configuration = configuration(directory)
        configuration.allowInsecureHTTP = true
        configuration.credentials = CredentialsDirectory(path: credentials, allowInsecureHTTP: true)
        configuration.remoteListPageSize = 10
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeDataset("index", dataUrl: "s3://\(moto.bucket)/index/train.txt")))
            try await node.apply(.upsert(makeDataset("many", dataUrl: "s3://\(moto.bucket)/many-", format: "dir")))
            try await node.apply(.upsert(makeDataset("absent", dataUrl: "s3://\(moto.bucket)/index/absent.txt")))
            try await eventually("object counted") { capture.latestDatasetStatus("index")?.numberOfSamples == 3 }
            let index = try #require(capture.latestDatasetStatus("index"))
            #expect(index.source == "s3://\(moto.bucket)/index/train.txt" && index.version != nil)
            // 25 objects in pages of 10: three signed list requests.
            try await eventually("prefix counted") { capture.latestDatasetStatus("many")?.numberOfSamples == 25 }
            try await eventually("missing object") {
                capture.latestDatasetStatus("absent")?.conditions?[type: "Ready"]?.reason == "NotFound"
            }
            // Unchanged on the next look: nothing new is reported.
            let reports = capture.reports.withLock { $0.count }
            let remote = try #require(node.remote)
            await remote.rescanAll()
            #expect(capture.reports.withLock { $0.count } == reports)
        }
    }

    @Test(.enabled(if: Peers.motoEnabled, "moto not installed (\(Peers.motoInstall))"))
    func refusedCredentialsBecomeAConditionWithoutARetryStorm() async throws {
        let moto = try await MotoPeer(objects: ["index/train.txt": "a\n"])
        defer { moto.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let credentials = directory.path + "/credentials"
        let secret = "wrong-secret-\(UUID().uuidString)"
        try writeCredentials(credentials, name: "default", moto: moto, secret: secret)
        var configuration = configuration(directory)
        configuration.allowInsecureHTTP = true
        configuration.rescanInterval = .milliseconds(100)
        configuration.credentials = CredentialsDirectory(path: credentials, allowInsecureHTTP: true)
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let remote = try #require(node.remote)
            let before = try motoRequests(moto)
            try await node.apply(.upsert(makeDataset("index", dataUrl: "s3://\(moto.bucket)/index/train.txt")))
            try await eventually("refused") { capture.latestDatasetStatus("index")?.conditions?[type: "Ready"]?.reason == "AccessDenied" }
            let ready = try #require(capture.latestDatasetStatus("index")?.conditions?[type: "Ready"])
            #expect(ready.status == "False" && ready.message?.contains(moto.bucket) == true)
            // Rescans (every 100 ms, and forced) do not ask again while backing off.
            for _ in 0..<3 { await remote.rescanAll() }
            try await eventually("moto to log the refused request") { try motoRequests(moto) >= before + 1 }
            #expect(try motoRequests(moto) == before + 1)
            #expect(await remote.looksStarted == 1)
            // The secret is nowhere in what the node reports.
            let text = capture.reports.withLock { "\($0)" }
            #expect(!text.contains(secret))
        }
    }

    /// Requests moto logged so far (werkzeug writes one line per request).
    func motoRequests(_ moto: MotoPeer) throws -> Int {
        let log = (try? String(contentsOfFile: moto.directory.path + "/moto.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("\" 200 ") || $0.contains("\" 403 ") || $0.contains("\" 404 ") }.count
    }
}

/// Writes `<dir>/<name>` (0600) for moto's endpoint with `secret`.
func writeCredentials(_ directory: String, name: String, moto: MotoPeer, secret: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let text = """
        # moto on loopback
        ACCESS_KEY_ID=\(moto.credentials.accessKeyID)
        SECRET_ACCESS_KEY=\(secret)
        s3-endpoint=127.0.0.1:\(moto.port)
        s3-usehttps=0

        """
    let path = directory + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
}

/// A loopback TCP socket that listens and never accepts: connections complete (the kernel's
/// backlog) and nothing is ever answered.
final class SilentListener: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            _ = Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
