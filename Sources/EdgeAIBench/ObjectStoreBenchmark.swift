import Dispatch
import EdgeAICore
import Foundation
import ObjectStore
import Synchronization

/// Throughput, latency and memory figures for the store (BENCHMARKS-store.md), as a function the
/// benchmark executable can call: `try await ObjectStoreBenchmark.run(in: dir) { print($0) }`.
/// Writes only under `directory`; run it in a release build. Not used by the store itself.
enum ObjectStoreBenchmark {
    static let resource = "edgeai.io/datasets"
    static let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1000)

    /// Runs every measurement, reporting one line per figure through `report`.
    static func run(in directory: String, report: @Sendable (String) -> Void) async throws {
        try await writes("durable", .durable, in: directory + "/w1", report: report)
        try await writes("processCrashSafe", .processCrashSafe, in: directory + "/w2", report: report)
        try await writes("durable, no group commit (reference)", .durable, options: StoreOptions(maxBatchSize: 1),
                         in: directory + "/w3", report: report)
        try await reads(in: directory + "/r", report: report)
        try await watchLatency(in: directory + "/l", report: report)
        try await memory(in: directory + "/m", report: report)
    }

    static func rate(_ count: Int, _ duration: Duration) -> Int { Int(Double(count) / duration.seconds) }

    static func ms(_ duration: Duration) -> String { String(format: "%.2f ms", duration.milliseconds) }

    /// Runs `total` operations split across `tasks` concurrent tasks; returns the wall time.
    static func concurrently(
        tasks: Int, total: Int, _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for i in stride(from: task, to: total, by: tasks) { try await operation(i) }
                }
            }
            try await group.waitForAll()
        }
        return clock.now - start
    }

    static func writes(
        _ label: String, _ durability: Durability, options: StoreOptions = StoreOptions(),
        in directory: String, report: @Sendable (String) -> Void
    ) async throws {
        let store = try ObjectStore(path: directory + "/state.db", durability: durability, options: options)
        let count = 20_000
        let createTime = try await concurrently(tasks: 16, total: count) { i in
            _ = try await store.create(ObjectKey(resource: resource, namespace: "bench", name: "o\(i)")) { _ in value }
        }
        let afterCreates = await store.statistics
        let updateTime = try await concurrently(tasks: 16, total: count) { i in
            _ = try await store.update(ObjectKey(resource: resource, namespace: "bench", name: "o\(i)")) { current, _ in
                var next = current.value
                next[0] = UInt8(ascii: "y")
                return next
            }
        }
        let total = await store.statistics
        await store.close()
        report("""
            writes [\(label)]: \(rate(count, createTime)) creates/s, \(rate(count, updateTime)) updates/s \
            (16 tasks, \(count) x 1 KB; \(afterCreates.transactions) + \(total.transactions - afterCreates.transactions) \
            transactions, largest batch \(total.largestBatch), callbacks \(ms(total.callbackTime)))
            """)
    }

    static func reads(in directory: String, report: @Sendable (String) -> Void) async throws {
        let store = try ObjectStore(path: directory + "/state.db", durability: .processCrashSafe)
        _ = try await concurrently(tasks: 16, total: 10_000) { i in
            _ = try await store.create(ObjectKey(resource: resource, namespace: "ns\(i % 4)", name: "o\(i)")) { _ in value }
        }
        let gets = 200_000
        let clock = ContinuousClock()
        var start = clock.now
        for i in 0..<gets {
            _ = await store.get(ObjectKey(resource: resource, namespace: "ns\(i % 4)", name: "o\(i % 10_000)"))
        }
        let serial = clock.now - start
        let parallel = try await concurrently(tasks: 16, total: gets) { i in
            _ = await store.get(ObjectKey(resource: resource, namespace: "ns\(i % 4)", name: "o\(i % 10_000)"))
        }
        report("gets: \(rate(gets, serial)) gets/s from one task, \(rate(gets, parallel)) gets/s from 16 tasks (10,000 objects)")

        let models = "edgeai.io/models"
        _ = try await concurrently(tasks: 16, total: 3000) { i in
            _ = try await store.create(ObjectKey(resource: models, namespace: "default", name: "m\(i)")) { _ in value }
        }
        let rounds = 50
        start = clock.now
        var listed = 0
        for _ in 0..<rounds { listed += await store.list(resource: models).items.count }
        let full = (clock.now - start) / rounds
        _ = try await store.create(ObjectKey(resource: models, namespace: "default", name: "a-first")) { _ in value }
        start = clock.now
        let resorted = await store.list(resource: models).items.count
        let afterCreate = clock.now - start
        start = clock.now
        var page = await store.list(resource: models, limit: 500)
        var pages = 1
        while page.remaining > 0 {
            page = await store.list(resource: models, continueAfter: page.items.last?.key, limit: 500)
            pages += 1
        }
        let paged = clock.now - start
        await store.close()
        report("""
            list: \(listed / rounds) objects in \(ms(full)); \(resorted) right after an out-of-order create in \
            \(ms(afterCreate)); \(pages) pages of 500 in \(ms(paged))
            """)
    }

    static func watchLatency(in directory: String, report: @Sendable (String) -> Void) async throws {
        let store = try ObjectStore(path: directory + "/state.db", durability: .durable)
        let events = 2000
        let watchers = 100
        let stamps = Stamps(count: events + 1)
        let received = try await withThrowingTaskGroup(of: [(Int64, UInt64)].self) { group in
            for _ in 0..<watchers {
                let stream = try await store.watch(resource: resource, after: 0)
                group.addTask {
                    var arrivals: [(Int64, UInt64)] = []
                    arrivals.reserveCapacity(events)
                    for try await event in stream {
                        arrivals.append((event.revision, DispatchTime.now().uptimeNanoseconds))
                        if arrivals.count == events { break }
                    }
                    return arrivals
                }
            }
            group.addTask {
                _ = try await concurrently(tasks: 4, total: events) { i in
                    let start = DispatchTime.now().uptimeNanoseconds
                    let object = try await store.create(ObjectKey(resource: resource, name: "w\(i)")) { _ in value }
                    let now = DispatchTime.now().uptimeNanoseconds
                    let revision = Int(object.revision)
                    stamps.times.withLock { $0[revision] = (start, now) }
                }
                return []
            }
            return try await group.reduce(into: [(Int64, UInt64)]()) { $0 += $1 }
        }
        await store.close()
        let times = stamps.times.withLock { $0 }
        let acks = times.map(\.acknowledged)
        let starts = times.map(\.submitted)
        // Delivery can precede the writer's own resumption: count that as 0.
        let afterAck = received.map { revision, at in at > acks[Int(revision)] ? at - acks[Int(revision)] : 0 }.sorted()
        let afterSubmit = received.map { revision, at in at - starts[Int(revision)] }.sorted()
        func percentile(_ sorted: [UInt64], _ p: Double) -> String {
            guard !sorted.isEmpty else { return "n/a" }
            return String(format: "%.2f ms", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6)
        }
        report("""
            watch: \(watchers) watchers x \(events) events (durable, 4 writing tasks); write acknowledged -> event \
            received: p50 \(percentile(afterAck, 0.5)), p99 \(percentile(afterAck, 0.99)), max \(percentile(afterAck, 1)); \
            write submitted -> event received (includes the fsync): p50 \(percentile(afterSubmit, 0.5)), \
            p99 \(percentile(afterSubmit, 0.99))
            """)
    }

    /// Per revision: when its write was submitted and acknowledged (uptime nanoseconds).
    private final class Stamps: Sendable {
        let times: Mutex<[(submitted: UInt64, acknowledged: UInt64)]>
        init(count: Int) { times = Mutex(Array(repeating: (0, 0), count: count)) }
    }

    static func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * 4096 / 1_048_576
    }

    static func memory(in directory: String, report: @Sendable (String) -> Void) async throws {
        let path = directory + "/state.db"
        do {
            let store = try ObjectStore(path: path, durability: .processCrashSafe)
            _ = try await concurrently(tasks: 16, total: 10_000) { i in
                _ = try await store.create(ObjectKey(resource: resource, namespace: "default", name: "o\(i)")) { _ in value }
            }
            await store.close()
        }
        let before = residentMegabytes()
        let clock = ContinuousClock()
        let start = clock.now
        let store = try ObjectStore(path: path)
        let open = clock.now - start
        let after = residentMegabytes()
        let count = await store.count
        await store.close()
        report(String(
            format: "memory: RSS %.1f MB before opening, %.1f MB after loading %d objects of 1 KB (+%.1f MB); open+load %@",
            before, after, count, after - before, ms(open)
        ))
    }
}
