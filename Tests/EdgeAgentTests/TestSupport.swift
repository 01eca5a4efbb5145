import AsyncHTTPClient
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
@testable import EdgeAgent
import EdgeSync
import Foundation
import HubClient
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

func makeDataset(
    _ name: String, dataUrl: String, format: String = "txt", uid: String? = nil, rv: String = "1", generation: Int64 = 1, localCopy: Bool? = nil
) -> SyncObject {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    meta.uid = uid ?? "uid-\(name)"
    meta.resourceVersion = rv
    meta.generation = generation
    return .dataset(Dataset(metadata: meta, spec: DatasetSpec(dataUrl: dataUrl, format: format, nodeName: "edge-1", localCopy: localCopy)))
}

func makeModel(_ name: String, modelUrl: String, digest: String? = nil, uid: String? = nil, rv: String = "1") -> SyncObject {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    meta.uid = uid ?? "uid-\(name)"
    meta.resourceVersion = rv
    return .model(Model(metadata: meta, spec: ModelSpec(modelUrl: modelUrl, format: "onnx", digest: digest)))
}

func datasetKey(_ name: String) -> SyncKey { SyncKey(kind: .dataset, namespace: "default", name: name) }

func quietLogger() -> Logger {
    var logger = Logger(label: "test.edge")
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}

/// Appends `lines` lines of text to a file (creating it).
func appendLines(_ path: String, _ lines: Int, prefix: String = "sample") throws {
    let text = (0..<lines).map { "\(prefix) \($0)\n" }.joined()
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

func writeFile(_ path: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Collects what an agent hands its uplink: the node (to apply changes as the hub would) and
/// every report. Stands in for the hub client until it is wired in; the node is the real one.
final class NodeCapture: Sendable {
    let node = Mutex<AgentNode?>(nil)
    let reports = Mutex<[StatusReport]>([])
    let port = Mutex<Int?>(nil)

    let hub = Mutex<HubClient?>(nil)
    /// Every report the node hands its uplink (already in its durable outbox), as it happens.
    let reported: AsyncStream<StatusReport>
    private let reportedContinuation: AsyncStream<StatusReport>.Continuation

    init() {
        (reported, reportedContinuation) = AsyncStream.makeStream(of: StatusReport.self)
    }

    func record(_ report: StatusReport) {
        reports.withLock { $0.append(report) }
        reportedContinuation.yield(report)
    }

    /// Captures the node and its reports; with `hub`, the reports then go to a real ``HubClient``.
    func factory(hub configuration: HubClientConfiguration?) -> EdgeAgent.UplinkFactory {
        { node, outbox in
            self.node.withLock { $0 = node }
            guard let configuration else { return CapturingUplink(capture: self, forward: nil) }
            let client = HubClient(configuration: configuration, store: node, outbox: outbox, logger: quietLogger())
            self.hub.withLock { $0 = client }
            return CapturingUplink(capture: self, forward: client)
        }
    }

    func latestDatasetStatus(_ name: String) -> DatasetStatus? {
        reports.withLock { reports in
            for report in reports.reversed() where report.key == datasetKey(name) {
                if case .dataset(let status) = report.status { return status }
            }
            return nil
        }
    }
}

/// Records each report, then hands it to the real hub client when there is one.
struct CapturingUplink: HubUplink {
    let capture: NodeCapture
    let forward: HubClient?

    func report(_ report: StatusReport) async {
        capture.record(report)
        await forward?.report(report)
    }

    func run() async throws {
        if let forward { try await forward.run() } else { try await gracefulShutdown() }
    }
}

/// Runs an agent for the duration of `body`, then cancels it and waits for it to stop.
func withAgent<T: Sendable>(
    _ configuration: EdgeAgent.Configuration, capture: NodeCapture? = nil, hub: HubClientConfiguration? = nil,
    _ body: @Sendable (NodeCapture) async throws -> T
) async throws -> T {
    let capture = capture ?? NodeCapture()
    var configuration = configuration
    configuration.onAPIListening = { port in capture.port.withLock { $0 = port } }
    let agent = EdgeAgent(configuration: configuration, logger: quietLogger(), uplink: capture.factory(hub: hub))
    let services = ServiceGroup(configuration: .init(services: [agent], gracefulShutdownSignals: [], logger: quietLogger()))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await services.run()
            return nil
        }
        try await eventually("agent started", timeout: .seconds(60)) {
            capture.node.withLock { $0 != nil } && capture.port.withLock { $0 != nil }
        }
        let result: T
        do {
            result = try await body(capture)
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        while let next = try await group.next() { _ = next }
        return result
    }
}

/// GET/POST against the agent's local API.
struct APIClient {
    let port: Int

    func get(_ path: String) async throws -> (status: Int, body: [String: Any]) {
        try await send(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"))
    }

    func post(_ path: String, _ json: String) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> (status: Int, body: [String: Any]) {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] ?? [:]
        return (Int(response.status.code), object)
    }
}

/// Runs `body` against the cloud in this process: the embedded API server and the cloud
/// controller with its hub (``Testbed``).
func withCloud(_ body: (Testbed) async throws -> Void) async throws {
    try await withTestbed { testbed in
        try await testbed.startCloud()
        try await body(testbed)
    }
}

func cloudDataset(_ name: String, node: String, dataUrl: String, format: String = "txt") -> Dataset {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    return Dataset(metadata: meta, spec: DatasetSpec(dataUrl: dataUrl, format: format, nodeName: node))
}

func cloudModel(_ name: String, modelUrl: String) -> Model {
    var meta = ObjectMeta()
    meta.name = name
    meta.namespace = "default"
    return Model(metadata: meta, spec: ModelSpec(modelUrl: modelUrl, format: "onnx"))
}
