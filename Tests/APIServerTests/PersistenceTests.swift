import AsyncHTTPClient
import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import JSON
import NIOCore
import Synchronization
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct PersistenceTests {
    let ds = TestServer.datasets
    static let datasetsPath = TestServer.datasets

    @Test func restartKeepsObjectsRevisionsAndWatchResume() async throws {
        let dir = try TemporaryDirectory(prefix: "apiserver-restart")
        let first = try await TestServer.start(directory: dir)
        let a = try await first.post(ds, TestServer.dataset("a"))
        let b = try await first.post(ds, TestServer.dataset("b"))
        try await first.stop(removeData: false)

        let second = try await TestServer.start(directory: dir)
        let got = try await second.get(ds + "/a")
        #expect(got.json == a.json)
        let w = try await second.watch(ds + "?watch=1&resourceVersion=\(a.json.rv)")
        #expect(try await w.nextEvent()?["object"]?.rv == .some(b.json.rv))
        let c = try await second.post(ds, TestServer.dataset("c"))
        #expect(Int(c.json.rv) ?? 0 > Int(b.json.rv) ?? 0)
        #expect(try await w.nextEvent()?["object"]?["metadata"]?["name"] == "c")
        try await second.stop()
    }

    /// Runs the real `edgeai server` binary, writes in a loop, kills it with SIGKILL mid-loop,
    /// restarts it on the same data directory and checks every acknowledged write is there.
    @Test(.timeLimit(.minutes(3))) func killNineLosesNoAcknowledgedWrite() async throws {
        let binary = try #require(Self.edgeaiBinary(), "build the edgeai product first (swift build)")
        let dir = try TemporaryDirectory(prefix: "apiserver-kill")
        defer { dir.remove() }
        let port = try freeLoopbackPort()
        var process = try Self.launch(binary, dir: dir.path, port: port)
        let credentials = try PKIBootstrap.ensure(dataDirectory: dir.path)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: try credentials.clientTLSConfiguration()))
        do {
            try await Self.killDuringWrites(client, process: &process, binary: binary, dir: dir.path, port: port, credentials: credentials)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            try? await client.shutdown()  // a client dropped without shutdown ends the whole test process
            throw error
        }
        try await client.shutdown()
    }

    private static func killDuringWrites(
        _ client: HTTPClient, process: inout Process, binary: String, dir: String, port: Int, credentials: ClusterCredentials
    ) async throws {
        try await Self.waitReady(client, port: port)
        // 8 concurrent writers; the server is killed once 40 writes are acknowledged, while others are in flight.
        let acknowledged = Acknowledged()
        let pid = process.processIdentifier
        let token = credentials.adminToken
        let ds = Self.datasetsPath
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for i in 0..<100 {
                        let name = "k\(worker)-\(i)"
                        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(ds)")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: TestServer.dataset(name)))
                        guard let response = try? await client.execute(request, timeout: .seconds(30)), response.status.code == 201,
                              (try? await response.body.collect(upTo: 1 << 20)) != nil
                        else { return }
                        let count = acknowledged.names.withLock { $0.append(name); return $0.count }
                        if count == 40 { kill(pid, SIGKILL) }
                    }
                }
            }
        }
        // Had every writer given up before the 40th acknowledgement, the kill is still due.
        kill(pid, SIGKILL)
        process.waitUntilExit()
        let acked = acknowledged.names.withLock { $0 }
        #expect(acked.count >= 40 && acked.count < 800)
        process = try Self.launch(binary, dir: dir, port: port)
        defer { process.terminate(); process.waitUntilExit() }
        try await Self.waitReady(client, port: port)
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(ds)")
        request.headers.add(name: "Authorization", value: "Bearer \(credentials.adminToken)")
        let response = try await client.execute(request, timeout: .seconds(10))
        let list = try JSONParser.parse(Array(try await response.body.collect(upTo: 1 << 24).readableBytesView))
        let names = Set(list["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? [])
        #expect(Set(acked).isSubset(of: names))
    }

    static func edgeaiBinary() -> String? {
        var candidates: [URL] = []
        for start in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("edgeai"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/edgeai"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }?.path
    }

    static func launch(_ binary: String, dir: String, port: Int) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["server", "--data-dir", dir, "--port", String(port), "--no-controller"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func waitReady(_ client: HTTPClient, port: Int) async throws {
        try await eventually("server ready", timeout: .seconds(60)) {
            let request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/readyz")
            guard let r = try? await client.execute(request, timeout: .seconds(2)) else { return false }
            return r.status.code == 200
        }
    }
}

final class Acknowledged: Sendable {
    let names = Mutex<[String]>([])
}
