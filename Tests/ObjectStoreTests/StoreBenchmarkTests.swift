import Dispatch
import Foundation
import ObjectStore
import Testing

/// Throughput and latency figures for BENCHMARKS-store.md. Skipped unless EDGEAI_STORE_BENCH=1;
/// run in release mode:
/// `EDGEAI_STORE_BENCH=1 swift test -c release --filter StoreBenchmarkTests`
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["EDGEAI_STORE_BENCH"] != nil))
struct StoreBenchmarkTests {
    static let resource = "edgeai.io/datasets"
    static let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)

    static func rate(_ count: Int, _ duration: Duration) -> Int {
        Int(Double(count) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Runs `total` operations split across `writers` tasks; returns the wall time.
    static func concurrently(writers: Int, total: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for i in stride(from: writer, to: total, by: writers) { try await operation(i) }
                }
            }
            try await group.waitForAll()
        }
        return clock.now - start
    }

    static func writes(_ label: String, durability: Durability, options: StoreOptions = StoreOptions()) async throws {
        try await withStore(durability: durability, options: options) { store, _ in
            let count = 20_000
            let createTime = try await concurrently(writers: 16, total: count) { i in
                _ = try await store.create(ObjectKey(resource: resource, namespace: "bench", name: "o\(i)")) { _ in value }
            }
            let createStats = await store.statistics
            let updateTime = try await concurrently(writers: 16, total: count) { i in
                _ = try await store.update(ObjectKey(resource: resource, namespace: "bench", name: "o\(i)")) { current, _ in
                    var next = current.value
                    next[0] = UInt8(ascii: "y")
                    return next
                }
            }
            let stats = await store.statistics
            print("""
                BENCH \(label): creates/s=\(rate(count, createTime)) updates/s=\(rate(count, updateTime)) \
                (16 writers, \(count) ops of 1 KB each; create txns=\(createStats.transactions) \
                avg batch=\(count / max(createStats.transactions, 1)); update txns=\(stats.transactions - createStats.transactions))
                """)
        }
    }

    @Test func writeThroughput() async throws {
        try await Self.writes("durable", durability: .durable)
        try await Self.writes("processCrashSafe", durability: .processCrashSafe)
        // Reference: the same load without group commit (one write per transaction and fsync).
        try await Self.writes("durable, no group commit (reference)", durability: .durable, options: StoreOptions(maxBatchSize: 1))
    }

    @Test func readsAndList() async throws {
        try await withStore(durability: .processCrashSafe) { store, _ in
            _ = try await Self.concurrently(writers: 16, total: 10_000) { i in
                _ = try await store.create(ObjectKey(resource: Self.resource, namespace: "ns\(i % 4)", name: "o\(i)")) { _ in Self.value }
            }
            let clock = ContinuousClock()
            let gets = 200_000
            var start = clock.now
            for i in 0..<gets {
                _ = await store.get(ObjectKey(resource: Self.resource, namespace: "ns\(i % 4)", name: "o\(i % 10_000)"))
            }
            let serialGet = clock.now - start
            let concurrentGet = try await Self.concurrently(writers: 16, total: gets) { i in
                _ = await store.get(ObjectKey(resource: Self.resource, namespace: "ns\(i % 4)", name: "o\(i % 10_000)"))
            }
            // 3,000 objects in one namespace-less resource.
            _ = try await Self.concurrently(writers: 16, total: 3000) { i in
                _ = try await store.create(ObjectKey(resource: "edgeai.io/models", namespace: "default", name: "m\(i)")) { _ in Self.value }
            }
            start = clock.now
            let rounds = 50
            var listed = 0
            for _ in 0..<rounds {
                listed += await store.list(resource: "edgeai.io/models", namespace: nil, continueAfter: nil, limit: nil).items.count
            }
            let listTime = (clock.now - start) / rounds
            // List right after a create (the sorted index must absorb an out-of-order key).
            _ = try await store.create(ObjectKey(resource: "edgeai.io/models", namespace: "default", name: "a-first")) { _ in Self.value }
            start = clock.now
            let afterCreate = await store.list(resource: "edgeai.io/models", namespace: nil, continueAfter: nil, limit: nil)
            let listAfterCreate = clock.now - start
            start = clock.now
            var page = await store.list(resource: "edgeai.io/models", namespace: nil, continueAfter: nil, limit: 500)
            var pages = 1
            while page.hasMore {
                page = await store.list(resource: "edgeai.io/models", namespace: nil, continueAfter: page.items.last?.key, limit: 500)
                pages += 1
            }
            let pagedTime = clock.now - start
            print("""
                BENCH reads: gets/s one task=\(Self.rate(gets, serialGet)) gets/s 16 tasks=\(Self.rate(gets, concurrentGet)); \
                list of \(listed / rounds) objects=\(String(format: "%.3f", Self.milliseconds(listTime))) ms; \
                list after an out-of-order create (\(afterCreate.items.count))=\(String(format: "%.3f", Self.milliseconds(listAfterCreate))) ms; \
                \(pages) pages of 500=\(String(format: "%.3f", Self.milliseconds(pagedTime))) ms
                """)
        }
    }

    @Test func watchLatencyWith100Watchers() async throws {
        try await withStore(durability: .durable) { store, _ in
            let events = 2000
            let watchers = 100
            let start = await store.currentRevision
            let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for _ in 0..<watchers {
                    let stream = try await store.watch(resource: Self.resource, namespace: nil, after: start)
                    group.addTask {
                        var latencies: [UInt64] = []
                        latencies.reserveCapacity(events)
                        for try await event in stream {
                            let sent = event.object.value.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                            latencies.append(DispatchTime.now().uptimeNanoseconds - sent)
                            if latencies.count == events { break }
                        }
                        return latencies
                    }
                }
                group.addTask {
                    // 4 writers; the value carries the time the write was submitted.
                    _ = try await Self.concurrently(writers: 4, total: events) { i in
                        let submitted = DispatchTime.now().uptimeNanoseconds
                        _ = try await store.create(ObjectKey(resource: Self.resource, name: "w\(i)")) { _ in
                            withUnsafeBytes(of: submitted) { Array($0) } + Self.value
                        }
                    }
                    return []
                }
                return try await group.reduce(into: [UInt64]()) { $0 += $1 }
            }
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double { Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6 }
            print("""
                BENCH watch: \(watchers) watchers x \(events) events (durable, 4 writers): \
                submit-to-delivery p50=\(String(format: "%.2f", percentile(0.5))) ms \
                p99=\(String(format: "%.2f", percentile(0.99))) ms max=\(String(format: "%.2f", percentile(1))) ms
                """)
            #expect(sorted.count == events * watchers)
        }
    }

    static func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * 4096 / 1_048_576
    }

    @Test func memoryFor10000ObjectsOf1KB() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try ObjectStore(path: directory.databasePath, durability: .processCrashSafe)
            _ = try await Self.concurrently(writers: 16, total: 10_000) { i in
                _ = try await store.create(ObjectKey(resource: Self.resource, namespace: "default", name: "o\(i)")) { _ in Self.value }
            }
            await store.close()
        }
        let before = Self.residentMegabytes()
        let clock = ContinuousClock()
        let start = clock.now
        let store = try ObjectStore(path: directory.databasePath)
        let openTime = clock.now - start
        let after = Self.residentMegabytes()
        print("""
            BENCH memory: process RSS before open=\(String(format: "%.1f", before)) MB, after loading \
            \(await store.count) objects of 1 KB=\(String(format: "%.1f", after)) MB \
            (delta \(String(format: "%.1f", after - before)) MB); open+load=\(String(format: "%.1f", Self.milliseconds(openTime))) ms
            """)
        await store.close()
    }
}
