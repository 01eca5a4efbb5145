import EdgeAIPeerTesting
import EdgeAITesting
import Foundation
import Testing

@testable import RemoteStore

#if canImport(Glibc)
import Glibc
#endif

/// Collects progress reports from the downloader's tasks.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [Downloader.Progress] = []
    func add(_ p: Downloader.Progress) { lock.withLock { reports.append(p) } }
    var all: [Downloader.Progress] { lock.withLock { reports } }
}

/// Verified, resumable downloads from a real nginx over HTTPS (certificate from an EdgeAIPKI CA).
@Suite(.timeLimit(.minutes(4)), .enabled(if: Peers.nginxEnabled, "nginx not installed (\(Peers.nginxInstall))"))
struct DownloadTests {
    func withPeer(slowRate: String = "256k", stall: Duration = .seconds(10),
        _ body: (NginxPeer, RemoteClient, TemporaryDirectory) async throws -> Void) async throws
    {
        let nginx = try await NginxPeer(slowRate: slowRate)
        let client = RemoteClient(configuration: .init(stallTimeout: stall, tls: try nginx.tls()))
        let cache = try TemporaryDirectory(prefix: "edgeai-dl")
        do {
            try await body(nginx, client, cache)
        } catch {
            try? await client.shutdown()
            nginx.stop()
            cache.remove()
            throw error
        }
        try await client.shutdown()
        nginx.stop()
        cache.remove()
    }

    @Test func downloadsVerifiesAndRenames() async throws {
        try await withPeer { nginx, client, cache in
            let bytes = patternBytes(3 << 20 | 123)
            try nginx.put("model.bin", bytes)
            let digest = try ContentDigest(parsing: "sha256:" + SHA256Hash.hex(bytes))
            let log = ProgressLog()
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0, bufferBytes: 256 << 10))
            let result = try await downloader.download(try nginx.source("model.bin"), to: cache.path + "/model.bin", expecting: digest) {
                log.add($0)
            }
            #expect(result.digest == digest && result.size == Int64(bytes.count) && result.resumedFrom == 0)
            #expect(try Data(contentsOf: cache.file("model.bin")) == Data(bytes))
            #expect(!FileManager.default.fileExists(atPath: cache.path + "/model.bin.partial"))
            #expect(!FileManager.default.fileExists(atPath: cache.path + "/model.bin.partial.meta"))
            #expect(log.all.last == Downloader.Progress(bytesDone: Int64(bytes.count), totalBytes: Int64(bytes.count)))
            #expect(log.all.count > 5)
            let info = try await client.head(try nginx.source("model.bin"))
            #expect(info.size == Int64(bytes.count) && info.etag != nil && info.acceptsRanges)
        }
    }

    @Test func digestMismatchDeletesTheFile() async throws {
        try await withPeer { nginx, client, cache in
            try nginx.put("model.bin", patternBytes(100_000))
            let wrong = try ContentDigest(parsing: "sha256:" + String(repeating: "0", count: 64))
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0))
            await #expect(throws: RemoteError.self) {
                try await downloader.download(try nginx.source("model.bin"), to: cache.path + "/m", expecting: wrong)
            }
            do {
                _ = try await downloader.download(try nginx.source("model.bin"), to: cache.path + "/m", expecting: wrong)
            } catch let error as RemoteError {
                #expect(error.code == .digestMismatch)
                #expect(error.message.contains(wrong.description))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
        }
    }

    @Test func missingObjectIsNotFound() async throws {
        try await withPeer { nginx, client, cache in
            let downloader = Downloader(client: client)
            do {
                _ = try await downloader.download(try nginx.source("absent.bin"), to: cache.path + "/m")
                Issue.record("downloaded a missing object")
            } catch let error as RemoteError {
                #expect(error.code == .notFound && error.status == 404 && !error.isRetryable)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
        }
    }

    /// nginx is killed mid-transfer; the next call resumes with a Range request and nginx's log
    /// shows it sent only the remainder.
    @Test func resumesAfterTheConnectionIsCut() async throws {
        try await withPeer { nginx, client, cache in
            // 16 MiB at 256 KiB/s: a minute to send, so the cut at 256 KiB is mid-transfer.
            let bytes = patternBytes(16 << 20)
            try nginx.put("cut/model.bin", bytes)
            let digest = try ContentDigest(parsing: "sha256:" + SHA256Hash.hex(bytes))
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0, bufferBytes: 64 << 10))
            let destination = cache.path + "/model.bin"
            do {
                _ = try await downloader.download(try nginx.source("cut/model.bin"), to: destination, expecting: digest) { p in
                    if p.bytesDone >= 256 << 10 { nginx.kill9() }
                }
                Issue.record("the download survived nginx being killed")
            } catch let error as RemoteError {
                #expect(error.isRetryable)
            }
            let partial = try #require(FileOps.size(destination + ".partial"))
            #expect(partial >= 256 << 10 && partial < Int64(bytes.count))
            try await nginx.start()
            let result = try await downloader.download(try nginx.source("cut/model.bin"), to: destination, expecting: digest)
            #expect(result.resumedFrom == partial)
            #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == Data(bytes))
            let entry = try #require(try nginx.accessEntries().last)
            #expect(entry.status == 206 && entry.range == "bytes=\(partial)-")
            #expect(entry.bytes == Int64(bytes.count) - partial)
        }
    }

    /// A partial download of an object that then changed restarts from 0 (If-Range fails).
    @Test func aChangedObjectRestartsFromZero() async throws {
        try await withPeer { nginx, client, cache in
            try nginx.put("cut/model.bin", patternBytes(16 << 20, seed: 1))
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0, bufferBytes: 64 << 10))
            let destination = cache.path + "/model.bin"
            _ = try? await downloader.download(try nginx.source("cut/model.bin"), to: destination) { p in
                if p.bytesDone >= 256 << 10 { nginx.kill9() }
            }
            #expect(FileOps.size(destination + ".partial") ?? 0 > 0)
            let replaced = patternBytes(1 << 20, seed: 2)
            try nginx.put("cut/model.bin", replaced)
            try await nginx.start()
            let result = try await downloader.download(try nginx.source("cut/model.bin"), to: destination)
            #expect(result.resumedFrom == 0)
            #expect(result.digest.hex == SHA256Hash.hex(replaced))
            #expect(try Data(contentsOf: URL(fileURLWithPath: destination)) == Data(replaced))
            #expect(try nginx.accessEntries().last?.status == 200)
        }
    }

    /// A slow server that keeps sending finishes even though the transfer takes longer than the
    /// stall timeout; a stopped one (SIGSTOP) fails with timedOut after about that interval.
    @Test func timeoutsOnlyOnNoProgress() async throws {
        // 1 MiB at 64 KiB/s takes 16 s, twice the 8 s stall timeout (a loaded machine can leave
        // nginx unscheduled for seconds).
        try await withPeer(slowRate: "64k", stall: .seconds(8)) { nginx, client, cache in
            let bytes = patternBytes(1 << 20)
            try nginx.put("slow/model.bin", bytes)
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0, bufferBytes: 32 << 10))
            let log = ProgressLog()
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await downloader.download(try nginx.source("slow/model.bin"), to: cache.path + "/slow.bin") { log.add($0) }
            #expect(clock.now - start > .seconds(8))
            #expect(result.size == Int64(bytes.count))
            #expect(Set(log.all.map(\.bytesDone)).count > 5)

            let pid = try #require(Int32(String(contentsOfFile: nginx.directory.path + "/nginx.pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            // 16 MiB at 256 KiB/s, stopped at 64 KiB: never in the socket buffers whole.
            try nginx.put("cut/stalled.bin", patternBytes(16 << 20))
            let stalled = clock.now
            do {
                _ = try await downloader.download(try nginx.source("cut/stalled.bin"), to: cache.path + "/stalled.bin") { p in
                    if p.bytesDone >= 64 << 10 { kill(pid, SIGSTOP) }
                }
                Issue.record("a stalled download finished")
            } catch let error as RemoteError {
                #expect(error.code == .timedOut)
            }
            kill(pid, SIGCONT)
            #expect(clock.now - stalled < .seconds(40))
        }
    }

    @Test func refusesEarlyWhenTheDiskLacksRoom() async throws {
        try await withPeer { nginx, client, cache in
            try nginx.put("model.bin", patternBytes(3 << 20))
            // A reserve larger than any disk: refused before a byte is written.
            let greedy = Downloader(client: client, configuration: .init(reserveBytes: 1 << 60))
            do {
                _ = try await greedy.download(try nginx.source("model.bin"), to: cache.path + "/m")
                Issue.record("downloaded despite the reserve")
            } catch let error as RemoteError {
                #expect(error.code == .insufficientSpace)
                #expect(error.message.contains("needs 3 MiB more"))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
            // A real 1 MiB tmpfs, when this process may mount one.
            let small = cache.path + "/small"
            try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
            let (status, _, _) = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small])
            guard status == 0 else { return }
            defer { _ = try? runProcess("/bin/umount", [small]) }
            let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0))
            do {
                _ = try await downloader.download(try nginx.source("model.bin"), to: small + "/m")
                Issue.record("downloaded 3 MiB into 1 MiB")
            } catch let error as RemoteError {
                #expect(error.code == .insufficientSpace)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
        }
    }

    @Test func spaceCheckArithmetic() {
        #expect(Downloader.spaceError(directory: "/c", needed: 10, available: 100, reserve: 90) == nil)
        let error = Downloader.spaceError(directory: "/c", needed: 11 << 20, available: 100 << 20, reserve: 90 << 20)
        #expect(error?.message == "/c has 100 MiB free; the download needs 11 MiB more plus a reserve of 90 MiB")
        #expect(PartialDownload(decoding: PartialDownload(validator: "\"e\"", total: 5, url: "u").encoded())
            == PartialDownload(validator: "\"e\"", total: 5, url: "u"))
        #expect(PartialDownload(decoding: Array("garbage".utf8)) == nil)
    }
}
