import Crypto
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

/// Models delivered into the agent's cache from nginx over HTTPS: verified, resumed after a cut,
/// refused on a full disk, announced to jobs through the local API.
@Suite(.timeLimit(.minutes(4)), .enabled(if: Peers.nginxEnabled, "nginx not installed (\(Peers.nginxInstall))"))
struct ModelDeliveryTests {
    func configuration(_ directory: TemporaryDirectory, nginx: NginxPeer) throws -> EdgeAgent.Configuration {
        var configuration = EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
        configuration.remote = RemoteClient.Configuration(tls: try nginx.tls())
        configuration.downloader = Downloader.Configuration(reserveBytes: 0, bufferBytes: 64 << 10)
        configuration.modelRetryBackoff = Backoff(initial: .milliseconds(200), maximum: .seconds(1))
        return configuration
    }

    static func digest(_ bytes: [UInt8]) -> String {
        "sha256:" + SigV4Signer.hex(SHA256.hash(data: bytes))
    }

    static func bytes(_ count: Int, seed: UInt8 = 1) -> [UInt8] {
        var state = UInt32(seed) &* 2_654_435_761
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    func latestNode(_ capture: NodeCapture, _ name: String) -> ModelNodeStatus? {
        capture.reports.withLock { reports in
            for report in reports.reversed() where report.key == SyncKey(kind: .model, namespace: "default", name: name) {
                if case .model(let model) = report.status, let node = model.node { return node }
            }
            return nil
        }
    }

    @Test func aModelIsDeliveredVerifiedAndHandedToJobs() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let weights = Self.bytes(300_000)
        try nginx.put("m.onnx", weights)
        try nginx.put("bad.onnx", Self.bytes(1000, seed: 9))
        try await withAgent(try configuration(directory, nginx: nginx)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let api = APIClient(port: try #require(capture.port.withLock { $0 }))
            try await node.apply(.upsert(makeModel("resnet", modelUrl: nginx.url("m.onnx"), digest: Self.digest(weights))))
            // A job waits for Ready (long-poll, bounded).
            let answer = try await api.get("/v1/models/default/resnet?wait=ready&timeoutSeconds=30")
            #expect(answer.body["phase"] as? String == "Ready")
            let path = try #require(answer.body["path"] as? String)
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == weights)
            #expect(answer.body["digest"] as? String == Self.digest(weights))
            let version = try #require(answer.body["version"] as? String)
            try await eventually("Ready reported") { latestNode(capture, "resnet")?.phase == "Ready" }
            let reported = try #require(latestNode(capture, "resnet"))
            #expect(reported.present && reported.bytesDone == 300_000 && reported.bytesTotal == 300_000)
            #expect(reported.digest == Self.digest(weights))
            // Progress is throttled: a handful of reports, not one per 64 KiB chunk.
            #expect(capture.reports.withLock { $0.filter { $0.key.name == "resnet" }.count } <= 5)

            // A wrong digest: Failed, the file deleted, no retry.
            try await node.apply(.upsert(makeModel("bad", modelUrl: nginx.url("bad.onnx"), digest: Self.digest(weights))))
            try await eventually("mismatch") { latestNode(capture, "bad")?.phase == "Failed" }
            #expect(latestNode(capture, "bad")?.reason == "DigestMismatch" && latestNode(capture, "bad")?.present == false)
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: directory.path + "/agent/models/versions")
            #expect(!leftovers.contains { $0.hasSuffix("bad.onnx") || $0.hasSuffix(".partial") })

            // A missing object: Failed NotFound.
            try await node.apply(.upsert(makeModel("gone", modelUrl: nginx.url("absent.onnx"))))
            try await eventually("missing") { latestNode(capture, "gone")?.reason == "NotFound" }

            // A new version: downloaded beside the old one, then switched; jobs see the version change.
            let next = Self.bytes(200_000, seed: 3)
            try nginx.put("m2.onnx", next)
            try await node.apply(.upsert(makeModel("resnet", modelUrl: nginx.url("m2.onnx"), rv: "2")))
            let changed = try await api.get("/v1/models/default/resnet?wait=change&version=\(version)&timeoutSeconds=30")
            #expect(changed.body["phase"] as? String == "Ready" && changed.body["version"] as? String != version)
            let newPath = try #require(changed.body["path"] as? String)
            #expect(FileManager.default.contents(atPath: newPath).map(Array.init) == next)
            #expect(FileManager.default.fileExists(atPath: path), "the old version stays until evicted")
            // Bad waits are refused.
            #expect(try await api.get("/v1/models/default/resnet?wait=forever").status == 400)
            #expect(try await api.get("/v1/models/default/resnet?wait=ready&timeoutSeconds=999").status == 400)
            // The wait is bounded.
            let started = ContinuousClock.now
            let bounded = try await api.get("/v1/models/default/gone?wait=ready&timeoutSeconds=1")
            #expect(bounded.body["phase"] as? String == "Failed" && ContinuousClock.now - started < .seconds(20))
        }
    }

    /// Sedna users upload a retrained model under the same key: without a `digest` the object's
    /// ETag names the version, so a recheck delivers it beside the old one; an unchanged object
    /// costs one HEAD and no report, and a store that cannot be reached leaves the model Ready.
    @Test func aModelReplacedUnderTheSameURLIsANewVersionAfterARecheck() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = Self.bytes(100_000)
        try nginx.put("live.onnx", first)
        try await withAgent(try configuration(directory, nginx: nginx)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let delivery = try #require(node.delivery)
            let api = APIClient(port: try #require(capture.port.withLock { $0 }))
            try await node.apply(.upsert(makeModel("live", modelUrl: nginx.url("live.onnx"))))
            let ready = try await api.get("/v1/models/default/live?wait=ready&timeoutSeconds=30")
            let version = try #require(ready.body["version"] as? String)
            let path = try #require(ready.body["path"] as? String)
            try await eventually("Ready reported") { latestNode(capture, "live")?.phase == "Ready" }
            let requests = { try nginx.accessEntries().filter { $0.uri == "/live.onnx" } }

            // Unchanged: one HEAD (no body), nothing reported, the same version.
            let (before, reports) = (try requests().count, capture.reports.withLock { $0.count })
            await delivery.recheck()
            let unchanged = try requests().dropFirst(before)
            #expect(unchanged.count == 1 && unchanged.allSatisfy { $0.bytes == 0 && $0.status == 200 })
            #expect(capture.reports.withLock { $0.count } == reports)
            #expect(await delivery.state(SyncKey(kind: .model, namespace: "default", name: "live"))?.version == version)

            // Replaced under the same URL: a new version, announced to a waiting job.
            let second = Self.bytes(80_000, seed: 5)
            try nginx.put("live.onnx", second)
            await delivery.recheck()
            let changed = try await api.get("/v1/models/default/live?wait=change&version=\(version)&timeoutSeconds=30")
            #expect(changed.body["phase"] as? String == "Ready" && changed.body["version"] as? String != version)
            let newPath = try #require(changed.body["path"] as? String)
            #expect(FileManager.default.contents(atPath: newPath).map(Array.init) == second)
            #expect(FileManager.default.fileExists(atPath: path), "the old version stays until evicted")

            // The store gone: the recheck changes nothing, the model stays Ready on what it has.
            let current = try #require(changed.body["version"] as? String)
            nginx.kill9()
            let reportsOffline = capture.reports.withLock { $0.count }
            await delivery.recheck()
            let state = await delivery.state(SyncKey(kind: .model, namespace: "default", name: "live"))
            #expect(state?.phase == .ready && state?.version == current)
            #expect(capture.reports.withLock { $0.count } == reportsOffline)
        }
    }

    @Test func aCutDownloadResumesWithARange() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 4 MiB at 256 KiB/s without a Range: the cut comes long before the end.
        let weights = Self.bytes(4 << 20, seed: 5)
        try nginx.put("cut/big.bin", weights)
        try await withAgent(try configuration(directory, nginx: nginx)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let delivery = try #require(node.delivery)
            try await node.apply(.upsert(makeModel("big", modelUrl: nginx.url("cut/big.bin"), digest: Self.digest(weights))))
            let key = SyncKey(kind: .model, namespace: "default", name: "big")
            try await eventually("some bytes on disk", timeout: .seconds(60)) { (await delivery.state(key)?.bytesDone ?? 0) > 0 }
            nginx.kill9()
            try await nginx.start()
            try await eventually("delivered", timeout: .seconds(90)) { await delivery.state(key)?.phase == .ready }
            let state = try #require(await delivery.state(key))
            #expect(state.digest == Self.digest(weights))
            let path = try #require(state.path)
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == weights)
            // The second transfer was a Range request for the rest only.
            let resumed = try nginx.accessEntries().filter { $0.uri == "/cut/big.bin" && $0.status == 206 }
            let range = try #require(resumed.first?.range)
            #expect(range.hasPrefix("bytes=") && range != "bytes=0-")
            #expect(resumed.reduce(0) { $0 + $1.bytes } < Int64(weights.count))
        }
    }

    /// With one download slot, a second model waits Pending while the first transfers; a model
    /// forgotten while it waits gives its place up without taking the slot.
    @Test func downloadsBeyondTheLimitWaitPendingForASlot() async throws {
        // 512 KiB at 128 KiB/s: each transfer takes about 4 s.
        let nginx = try await NginxPeer(slowRate: "128k")
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (first, second) = (Self.bytes(512 << 10, seed: 3), Self.bytes(512 << 10, seed: 4))
        let third = Self.bytes(1000, seed: 6)
        try nginx.put("slow/a.bin", first)
        try nginx.put("slow/b.bin", second)
        try nginx.put("c.bin", third)
        var configuration = try configuration(directory, nginx: nginx)
        configuration.concurrentModelDownloads = 1
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let delivery = try #require(node.delivery)
            let (a, b, c) = (
                SyncKey(kind: .model, namespace: "default", name: "a"), SyncKey(kind: .model, namespace: "default", name: "b"),
                SyncKey(kind: .model, namespace: "default", name: "c"))
            try await node.apply(.upsert(makeModel("a", modelUrl: nginx.url("slow/a.bin"), digest: Self.digest(first))))
            try await node.apply(.upsert(makeModel("b", modelUrl: nginx.url("slow/b.bin"), digest: Self.digest(second))))
            try await eventually("one transfer under way", timeout: .seconds(30)) {
                let done = [await delivery.state(a)?.bytesDone ?? 0, await delivery.state(b)?.bytesDone ?? 0]
                return done.contains { $0 > 0 }
            }
            let phases = [await delivery.state(a)?.phase, await delivery.state(b)?.phase]
            #expect(phases.filter { $0 == .downloading }.count == 1 && phases.filter { $0 == .pending }.count == 1)
            let (running, waiting) = phases[0] == .downloading ? (a, b) : (b, a)
            #expect(await delivery.state(waiting)?.bytesDone ?? 0 == 0)
            // The waiting one is dropped; the running one finishes; the slot is free again.
            await delivery.forget(waiting)
            try await eventually("the running model ready", timeout: .seconds(60)) { await delivery.state(running)?.phase == .ready }
            try await node.apply(.upsert(makeModel("c", modelUrl: nginx.url("c.bin"), digest: Self.digest(third))))
            try await eventually("a later model delivered through the freed slot", timeout: .seconds(30)) {
                await delivery.state(c)?.phase == .ready
            }
            let requested = try nginx.accessEntries().map(\.uri)
            #expect(!requested.contains(running == a ? "/slow/b.bin" : "/slow/a.bin"))
        }
    }

    @Test func aFullDiskIsRefusedBeforeTheTransfer() async throws {
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try nginx.put("m.onnx", Self.bytes(10_000))
        var configuration = try configuration(directory, nginx: nginx)
        configuration.downloader = Downloader.Configuration(reserveBytes: 1 << 60)
        try await withAgent(configuration) { capture in
            let node = try #require(capture.node.withLock { $0 })
            try await node.apply(.upsert(makeModel("m", modelUrl: nginx.url("m.onnx"))))
            try await eventually("refused") { latestNode(capture, "m")?.reason == "InsufficientSpace" }
            #expect(latestNode(capture, "m")?.phase == "Failed")
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: directory.path + "/agent/models/versions")) ?? []
            #expect(!files.contains { $0.hasSuffix("m.onnx") })
        }
    }
}
