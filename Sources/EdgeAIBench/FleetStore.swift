import Dispatch
import EdgeSync
import HubClient
import Synchronization

/// The monotonic clock in nanoseconds (CLOCK_MONOTONIC on Linux): the same clock in every
/// process on the machine, so the fleet's timestamps and the cloud's can be compared.
func monotonicNanos() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}

/// When things happened on the simulated nodes: first store of each object name, and the final
/// answer to each report.
final class FleetRecorder: Sendable {
    struct State {
        var stored: [String: UInt64] = [:]
        var resolved: [String: UInt64] = [:]
    }
    let state = Mutex(State())

    func storedAt(_ name: String) -> UInt64? { state.withLock { $0.stored[name] } }
    func resolvedAt(_ reportID: String) -> UInt64? { state.withLock { $0.resolved[reportID] } }
    var storedCount: Int { state.withLock { $0.stored.count } }
    var resolvedCount: Int { state.withLock { $0.resolved.count } }
}

/// One simulated node's store: the ``Inventory`` rules in memory, timestamps to the recorder.
/// Lighter than an actor per node: a mutex.
final class FleetStore: HubClientStore, Sendable {
    struct State {
        var held = Inventory()
        var objects: [SyncKey: SyncObject] = [:]
        var outbox = ReportOutbox()
    }
    let state = Mutex(State())
    let recorder: FleetRecorder

    init(recorder: FleetRecorder) {
        self.recorder = recorder
    }

    func inventory() async throws -> [InventoryEntry] { state.withLock { $0.held.sorted } }

    func apply(_ change: ObjectChange) async throws {
        let now = monotonicNanos()
        state.withLock { s in
            switch s.held.apply(change) {
            case .store:
                if case .upsert(let object) = change { s.objects[object.key] = object }
            case .remove(let entry): s.objects[entry.key] = nil
            case .unchanged: break
            }
        }
        if case .upsert(let object) = change {
            recorder.state.withLock { r in
                if r.stored[object.key.name] == nil { r.stored[object.key.name] = now }
            }
        }
    }

    func removeReport(reportID: String, outcome: ReportOutcome) async throws {
        let now = monotonicNanos()
        state.withLock { _ = $0.outbox.resolve(reportID: reportID, outcome: outcome) }
        recorder.state.withLock { $0.resolved[reportID] = now }
    }

    func put(_ report: StatusReport) { state.withLock { _ = $0.outbox.put(report) } }
    func object(named name: String) -> SyncObject? {
        state.withLock { $0.objects[SyncKey(kind: .dataset, namespace: FleetBenchmark.namespace, name: name)] }
    }
    var count: Int { state.withLock { $0.held.entries.count } }
}

/// Percentiles of latencies in milliseconds.
struct Latencies {
    var values: [Double]
    init(_ values: [Double]) { self.values = values.sorted() }
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        return values[min(values.count - 1, Int((Double(values.count) * p).rounded(.up)) - 1)]
    }
    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }
    var max: Double { values.last ?? .nan }
}
