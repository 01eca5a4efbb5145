import DatasetScan
import EdgeAIPeerTesting
import EdgeAITesting
import Foundation
import Testing

@testable import RemoteStore

/// Counting remote indexes by streaming them through DatasetScan's counters (nginx over HTTPS),
/// with conditional requests noticing changes.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Peers.nginxEnabled, "nginx not installed (\(Peers.nginxInstall))"))
struct RemoteCountTests {
    @Test func countsAndNoticesChanges() async throws {
        let nginx = try await NginxPeer()
        let client = RemoteClient(configuration: .init(tls: try nginx.tls()))
        defer { nginx.stop() }
        do {
            // Big enough to arrive in many chunks; blank lines are not samples.
            let lines = (0..<200_000).map { $0 % 10 == 0 ? "\r" : "sample \($0)" }
            try nginx.put("train.txt", Array((lines.joined(separator: "\n") + "\n").utf8))
            let expected = lines.filter { $0 != "\r" }.count
            let counter = RemoteCounter(client: client)
            guard case .counted(let first) = try await counter.count(try nginx.source("train.txt"), format: .txt) else {
                Issue.record("not counted")
                return
            }
            #expect(first.samples == expected)
            #expect(first.validators.etag != nil && first.validators.lastModified != nil)
            // Unchanged: a 304, nothing read.
            #expect(try await counter.count(try nginx.source("train.txt"), format: .txt, previous: first.validators) == .unchanged)
            #expect(try nginx.accessEntries().last?.status == 304)
            // Changed: counted again.
            try nginx.put("train.txt", Array("a\nb\n".utf8))
            guard case .counted(let second) = try await counter.count(try nginx.source("train.txt"), format: .txt, previous: first.validators)
            else {
                Issue.record("a changed index was reported unchanged")
                return
            }
            #expect(second.samples == 2)
            // csv with a header, and a malformed jsonl when validating.
            try nginx.put("t.csv", Array("a,b\n1,\"x\ny\"\n2,3\n".utf8))
            #expect(try await counter.count(try nginx.source("t.csv"), format: .csv) != .unchanged)
            if case .counted(let csv) = try await counter.count(try nginx.source("t.csv"), format: .csv) { #expect(csv.samples == 2) }
            try nginx.put("bad.jsonl", Array("{\"a\":1}\n{oops\n".utf8))
            do {
                _ = try await counter.count(try nginx.source("bad.jsonl"), format: .jsonl, validateJSON: true)
                Issue.record("malformed jsonl counted")
            } catch let error as RemoteError {
                #expect(error.code == .malformedResponse)
            }
            do {
                _ = try await counter.count(try nginx.source("nope.txt"), format: .txt)
                Issue.record("missing index counted")
            } catch let error as RemoteError {
                #expect(error.code == .notFound)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// S3 through moto's server with signature checking on: signed HEAD/GET/list, verified
/// download, paginated prefix counting, and the failure paths.
@Suite(.timeLimit(.minutes(3)), .enabled(if: Peers.motoEnabled, "moto not installed (\(Peers.motoInstall))"))
struct S3Tests {
    /// Printable bytes, so the model travels through the JSON setup spec unchanged.
    static let modelText = String(decoding: patternBytes(300_000, seed: 7).map { $0 & 0x3F | 0x40 }, as: UTF8.self)

    @Test func signedRequestsAgainstMoto() async throws {
        let moto = try await MotoPeer(
            objects: ["index/train.txt": "a\nb\n\nc\n", "models/m.bin": Self.modelText],
            generated: ("many-", 25))
        let client = RemoteClient()
        defer { moto.stop() }
        do {
            let info = try await client.head(try moto.source("models/m.bin"))
            #expect(info.size == 300_000 && info.etag != nil)
            let counter = RemoteCounter(client: client, pageSize: 10)
            guard case .counted(let txt) = try await counter.count(try moto.source("index/train.txt"), format: .txt) else {
                Issue.record("not counted")
                return
            }
            #expect(txt.samples == 3)
            // 25 objects in pages of 10: three signed list requests with continuation tokens. (The
            // prefix has no `/`: moto checks list signatures against the decoded query, so boto3's
            // own `Prefix="many/"` fails there too; real S3 signs the encoded form, as we do.)
            let dir = try await counter.countPrefix(try moto.source("many-"))
            #expect(dir.samples == 25 && dir.bytes == 25)
            let cache = try TemporaryDirectory(prefix: "edgeai-s3")
            defer { cache.remove() }
            let expected = Array(Self.modelText.utf8)
            let digest = try ContentDigest(parsing: "sha256:" + SHA256Hash.hex(expected))
            let result = try await Downloader(client: client, configuration: .init(reserveBytes: 0))
                .download(try moto.source("models/m.bin"), to: cache.path + "/m.bin", expecting: digest)
            #expect(result.digest == digest)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test func wrongCredentialsAndMissingObjects() async throws {
        let moto = try await MotoPeer(objects: ["index/train.txt": "a\n"])
        let client = RemoteClient()
        defer { moto.stop() }
        do {
            let secret = "wrong-secret-\(UUID().uuidString)"
            let wrong = try S3Credentials(accessKeyID: moto.credentials.accessKeyID, secretAccessKey: secret)
            let before = try motoRequests(moto)
            do {
                _ = try await client.get(try moto.source("index/train.txt", credentials: wrong))
                Issue.record("a wrong secret was accepted")
            } catch let error as RemoteError {
                #expect(error.code == .accessDenied && !error.isRetryable)
                #expect(error.message == "credentials for \(moto.bucket) were refused (403 SignatureDoesNotMatch)")
                #expect(!error.message.contains(secret) && !"\(error)".contains(secret))
            }
            // One refused request, no retry storm.
            try await eventually("moto to log the refused request") { try motoRequests(moto) >= before + 1 }
            #expect(try motoRequests(moto) == before + 1)
            do {
                _ = try await client.get(try moto.source("index/absent.txt"))
                Issue.record("a missing key was found")
            } catch let error as RemoteError {
                #expect(error.code == .notFound && error.message.contains("NoSuchKey"))
            }
            do {
                _ = try await RemoteCounter(client: client).countPrefix(
                    try RemoteSource(location: .s3(bucket: "no-such-bucket", key: ""), endpoint: moto.endpoint, credentials: moto.credentials))
                Issue.record("a missing bucket was listed")
            } catch let error as RemoteError {
                #expect(error.code == .notFound && error.message.contains("NoSuchBucket"))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Requests moto logged so far (werkzeug writes one line per request).
    func motoRequests(_ moto: MotoPeer) throws -> Int {
        let log = (try? String(contentsOfFile: moto.directory.path + "/moto.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains("\" 200 ") || $0.contains("\" 403 ") || $0.contains("\" 404 ") }.count
    }
}
