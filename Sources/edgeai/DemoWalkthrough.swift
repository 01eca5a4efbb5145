import EdgeAIAPI
import EdgeAICore
import EdgeAIPKI
import Foundation
import KubeClient
import NodeCommands
import ServiceLifecycle

/// The sample files `edgeai up --demo` serves: a txt index of image paths and a model file,
/// under `<data-dir>/demo`. Existing files are kept, so a second `up --demo` continues from them.
struct DemoFiles {
    let directory: String
    var index: String { directory + "/data/index.txt" }
    var model: String { directory + "/models/frozen.pb" }

    func prepare(samples: Int = 100) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        if !manager.fileExists(atPath: index) {
            try Data(Self.lines(from: 0, count: samples).utf8).write(to: URL(fileURLWithPath: index))
        }
        if !manager.fileExists(atPath: model) {
            try Data(repeating: 0x5A, count: 64 << 10).write(to: URL(fileURLWithPath: model))
        }
    }

    /// Appends `count` samples to the index (after a newline if its last line has none, so
    /// the count grows by exactly `count`).
    func append(_ count: Int) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: index))
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        var text = Self.lines(from: Int(end % 100_000), count: count)
        if end > 0 {
            try handle.seek(toOffset: end - 1)
            if try handle.read(upToCount: 1) != Data("\n".utf8) { text = "\n" + text }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func lines(from start: Int, count: Int) -> String {
        (start..<start + count).map { "images/cat-\($0).jpg \($0 % 2)\n" }.joined()
    }
}

/// `up --demo`: applies the seed's sample Dataset and Model pointing at ``DemoFiles``, then shows
/// the whole loop — the Dataset reaches the agent, its count comes back into `status`, an append
/// changes it. Ends after printing; a failure is printed, never fatal to the running system.
struct DemoWalkthrough: Service {
    let files: DemoFiles
    let node: String
    let credentials: ClusterCredentials
    let progress: UpProgress
    var timeout: Duration = .seconds(60)

    func run() async throws {
        do {
            try await walk()
        } catch is CancellationError {
            return
        } catch {
            printError("edgeai up --demo: \(error)")
        }
    }

    private func walk() async throws {
        try files.prepare()
        let (port, _) = try await progress.apiEndpoint()
        let client = try KubeClient(config: KubeConfig(
            server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
            credentials: .token(credentials.adminToken)))
        do {
            try await show(client: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func show(client: KubeClient) async throws {
        let dataset = Dataset(
            metadata: ObjectMeta(name: "dataset-examp", namespace: "default"),
            spec: DatasetSpec(dataUrl: files.index, format: "txt", nodeName: node))
        let model = Model(metadata: ObjectMeta(name: "model-examp", namespace: "default"), spec: ModelSpec(modelUrl: files.model, format: "pb"))
        try await upsert(dataset, client: client) { $0.spec = dataset.spec }
        try await upsert(model, client: client) { $0.spec = model.spec }
        printLine("demo: applied Dataset dataset-examp (txt index \(files.index), node \(node)) and Model model-examp")

        let clock = ContinuousClock()
        var start = clock.now
        let first = try await samples(client: client) { _ in true }
        printLine("demo: dataset-examp NUMBEROFSAMPLES=\(first), reported by \(node) \(Self.format(clock.now - start)) after apply")

        try files.append(20)
        start = clock.now
        printLine("demo: appended 20 samples to \(files.index)")
        let second = try await samples(client: client) { $0 == first + 20 }
        printLine("demo: dataset-examp NUMBEROFSAMPLES=\(second), \(Self.format(clock.now - start)) after the append")
        printLine("demo: done — append to \(files.index) and watch `edgeai get datasets -w`")
    }

    /// Creates `object`, or brings an existing one's spec in line.
    private func upsert<T: KubernetesObject>(_ object: T, client: KubeClient, spec: (inout T) -> Void) async throws {
        do {
            _ = try await client.create(object)
        } catch let error as KubeError where error.isAlreadyExists {
            var current = try await client.get(T.self, namespace: object.metadata.namespace, name: object.metadata.name ?? "")
            spec(&current)
            _ = try await client.update(current)
        }
    }

    /// Watches dataset-examp until its status, for its current generation, has a sample count
    /// that satisfies `accept`; throws after ``timeout``.
    private func samples(client: KubeClient, accept: @escaping @Sendable (Int64) -> Bool) async throws -> Int64 {
        let timeout = timeout
        return try await withThrowingTaskGroup(of: Int64?.self) { group in
            group.addTask {
                let events = try await client.watch(
                    Dataset.self, namespace: "default", options: ListOptions(fieldSelector: "metadata.name=dataset-examp"))
                for try await event in events {
                    switch event {
                    case .added(let dataset), .modified(let dataset):
                        if let count = Self.count(dataset), accept(count) { return count }
                    case .deleted, .bookmark:
                        continue
                    }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let result = try await group.next() ?? nil
            group.cancelAll()
            guard let result else { throw DemoTimeout(seconds: timeout.components.seconds) }
            return result
        }
    }

    /// The sample count the agent reported for the Dataset's current spec.
    static func count(_ dataset: Dataset) -> Int64? {
        guard let status = dataset.status, let count = status.numberOfSamples,
              (status.observedGeneration ?? 0) >= (dataset.metadata.generation ?? 0)
        else { return nil }
        return count
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        return ms < 1000 ? "\(Int(ms.rounded())) ms" : String(format: "%.1f s", ms / 1000)
    }
}

struct DemoTimeout: Error, CustomStringConvertible {
    var seconds: Int64
    var description: String { "no sample count arrived within \(seconds) s; is the edge agent connected? (see the log above)" }
}
