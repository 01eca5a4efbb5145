import Dispatch
import Foundation
import EdgeAITesting
import ObjectStore
import Synchronization

extension TemporaryDirectory {
    var databasePath: String { path + "/state.db" }
}

/// Opens a store in a fresh temp dir, runs `body`, closes the store and removes the dir.
func withStore<T>(
    durability: Durability = .durable,
    compaction: CompactionPolicy = .default,
    options: StoreOptions = StoreOptions(),
    _ body: (ObjectStore, TemporaryDirectory) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try ObjectStore(path: directory.databasePath, durability: durability, compaction: compaction, options: options)
    do {
        let result = try await body(store, directory)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

func datasetKey(_ name: String, namespace: String = "default") -> ObjectKey {
    ObjectKey(resource: "edgeai.io/datasets", namespace: namespace, name: name)
}

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` (yielding between polls) until it holds or `seconds` pass.
func waitUntil(_ what: String, seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        await Task.yield()
    }
    throw TimedOut(description: "timed out waiting for \(what)")
}

/// Collects the next `count` events from `iterator`, failing after `seconds`.
func collect(
    _ count: Int, from stream: AsyncThrowingStream<StoreEvent, any Error>, seconds: Double = 60
) async throws -> [StoreEvent] {
    try await withThrowingTaskGroup(of: [StoreEvent]?.self) { group in
        group.addTask {
            var events: [StoreEvent] = []
            for try await event in stream {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
        group.addTask {
            await expiry(after: seconds)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let events = first else {
            throw TimedOut(description: "timed out collecting \(count) events")
        }
        return events
    }
}

/// Returns after `seconds` (a Dispatch timer, not a sleep) or as soon as the task is cancelled.
func expiry(after seconds: Double) async {
    let slot = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let fired = Mutex(false)
    let resume: @Sendable () -> Void = {
        fired.withLock { $0 = true }
        slot.withLock { continuation in
            let pending = continuation
            continuation = nil
            return pending
        }?.resume()
    }
    await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if fired.withLock({ $0 }) || Task.isCancelled {
                continuation.resume()
                return
            }
            slot.withLock { $0 = continuation }
            if fired.withLock({ $0 }) { resume() }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { resume() }
        }
    } onCancel: {
        resume()
    }
}
