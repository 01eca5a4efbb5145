import AsyncHTTPClient
import EdgeAIAPI
@testable import EdgeAgent
import EdgeAITesting
import EdgeSync
import Foundation
import NIOCore
import Synchronization
import Testing

/// How the node takes a change from the hub: looking starts while the change commits, a new
/// version that asks for nothing new is only stored, and a commit that fails leaves nothing.
@Suite(.timeLimit(.minutes(5)))
struct AgentWritePathTests {
    func configuration(_ directory: TemporaryDirectory) -> EdgeAgent.Configuration {
        EdgeAgent.Configuration(
            node: "edge-1", dataDirectory: directory.path + "/agent", allow: [directory.path + "/data"], apiPort: 0,
            rescanInterval: .seconds(3600))
    }

    /// `edgeai_agent_scans_total{outcome="counted"}` from the local API's `/metrics`.
    func scansCounted(_ port: Int) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
        let page = String(buffer: try await response.body.collect(upTo: 4 << 20))
        let series = #"edgeai_agent_scans_total{outcome="counted"} "#
        let line = try #require(page.split(separator: "\n").first { $0.hasPrefix(series) })
        return Int(try #require(Double(line.dropFirst(series.count))))
    }

    @Test(.timeLimit(.minutes(3)))
    func aNewVersionWithTheSameSpecIsStoredWithoutAnotherScan() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 10)
        try appendLines(data + "/dogs.txt", 3)
        try appendLines(data + "/cats-2.txt", 4)
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let port = try #require(capture.port.withLock { $0 })
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt")))
            try await eventually("cats counted") { capture.latestDatasetStatus("cats")?.numberOfSamples == 10 }
            let before = try await scansCounted(port)
            // The cloud wrote the status the node reported: the object comes back as version 2.
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats.txt", rv: "2")))
            #expect(try await node.inventory().first { $0.name == "cats" }?.resourceVersion == "2")
            // A dataset applied after it is scanned once: had version 2 asked for a look, that
            // look would be queued before this one.
            try await node.apply(.upsert(makeDataset("dogs", dataUrl: data + "/dogs.txt")))
            try await eventually("dogs counted") { capture.latestDatasetStatus("dogs")?.numberOfSamples == 3 }
            #expect(try await scansCounted(port) == before + 1)
            // A new version that moves the data is looked at again.
            try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/cats-2.txt", rv: "3")))
            try await eventually("cats moved") { capture.latestDatasetStatus("cats")?.numberOfSamples == 4 }
            #expect(try await scansCounted(port) == before + 2)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aChangeWhoseCommitFailsLeavesTheSlotAsItWas() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try appendLines(data + "/cats.txt", 10)
        try appendLines(data + "/dogs.txt", 3)
        try await withAgent(configuration(directory)) { capture in
            let node = try #require(capture.node.withLock { $0 })
            let cats = makeDataset("cats", dataUrl: data + "/cats.txt")
            try await node.apply(.upsert(cats))
            try await eventually("cats counted") { capture.latestDatasetStatus("cats")?.numberOfSamples == 10 }
            // The store can no longer commit (as on a failed disk).
            await node.store.close()
            await #expect(throws: (any Error).self) {
                try await node.apply(.upsert(makeDataset("dogs", dataUrl: data + "/dogs.txt")))
            }
            await #expect(throws: (any Error).self) {
                try await node.apply(.upsert(makeDataset("cats", dataUrl: data + "/dogs.txt", rv: "2")))
            }
            // Neither is held, and the monitor looks at the data it looked at before.
            #expect(try await node.inventory() == [cats.entry])
            #expect(await node.monitor.trackedKeys == [datasetKey("cats")])
        }
    }
}
