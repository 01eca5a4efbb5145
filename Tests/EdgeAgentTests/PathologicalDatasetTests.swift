import DatasetScan
@testable import EdgeAgent
import EdgeAICore
import EdgeAITesting
import EdgeSync
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
#if canImport(CoreFoundation)
// `stat` and its fields are declared in the module that first includes <sys/stat.h>; with
// Foundation imported that can be CoreFoundation (MemberImportVisibility).
import CoreFoundation
#endif

/// One bad dataset never stalls the others: FIFOs, sockets and devices are refused without a
/// blocking open, a hung scan is abandoned and retried while the healthy datasets keep
/// reporting, and a huge directory is counted beside them.
///
/// A hung network mount cannot be made here without FUSE; its stand-in is the monitor's scan
/// hook, which blocks the worker thread (as a `read` on a dead NFS server would) until the
/// test opens the ``Gate``.
struct PathologicalDatasetTests {
    final class Looks: Sendable {
        let all = Mutex<[DatasetMonitor.Look]>([])
        func latest(_ name: String) -> DatasetMonitor.Look? { all.withLock { $0.last { $0.ref.key == datasetKey(name) } } }
        func samples(_ name: String) -> Int? {
            if case .scanned(let result)? = latest(name)?.observation { return result.numberOfSamples }
            return nil
        }
        func reason(_ name: String) -> String? { latest(name)?.observation.failureReason }
        func message(_ name: String) -> String? {
            switch latest(name)?.observation {
            case .failed(let error)?: error.description
            case .refused(let error)?: error.message
            default: nil
            }
        }
        func count(_ name: String) -> Int { all.withLock { $0.filter { $0.ref.key == datasetKey(name) }.count } }
    }

    /// Blocks the scan of any path containing `marker` while closed; counts who is waiting.
    final class Gate: Sendable {
        let marker: String
        private let open = Mutex(false)
        let waiting = Atomic<Int>(0)
        let entered = Atomic<Int>(0)
        private let semaphore = DispatchSemaphore(value: 0)

        init(marker: String) { self.marker = marker }

        func hook(_ path: String) {
            guard path.contains(marker) else { return }
            entered.add(1, ordering: .relaxed)
            while !open.withLock({ $0 }) {
                waiting.add(1, ordering: .relaxed)
                semaphore.wait()
                waiting.subtract(1, ordering: .relaxed)
            }
        }

        func close() { open.withLock { $0 = false } }

        func release() {
            open.withLock { $0 = true }
            for _ in 0..<64 { semaphore.signal() }
        }
    }

    func withMonitor(
        allow: [String], workers: Int = 2, maxWrittenOff: Int = 2, stall: Duration = .milliseconds(300), gate: Gate? = nil,
        _ body: (DatasetMonitor, Looks) async throws -> Void
    ) async throws {
        let looks = Looks()
        let monitor = DatasetMonitor(
            locator: try DataLocator(allow: allow), rescanInterval: .seconds(3600), stallTimeout: stall,
            retryBackoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(400), jitter: 0), workers: workers,
            maxWrittenOff: maxWrittenOff, livenessTimeout: .seconds(1), hook: { path in gate?.hook(path) },
            logger: quietLogger(), sink: { look in looks.all.withLock { $0.append(look) } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await monitor.run() }
            defer { gate?.release() }
            try await body(monitor, looks)
            group.cancelAll()
        }
    }

    func track(_ monitor: DatasetMonitor, _ name: String, _ url: String, format: String = "txt") async {
        let object = makeDataset(name, dataUrl: url, format: format)
        await monitor.track(object.ref, dataUrl: url, format: format, previous: nil)
    }

    /// Creates a listening Unix socket at `path` (closed by the caller).
    func makeSocket(at path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        return fd
    }

    @Test(.timeLimit(.minutes(3)))
    func fifosSocketsAndDevicesAreRefusedWhileHealthyDatasetsKeepCounting() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let healthy = directory.path + "/healthy.txt"
        try appendLines(healthy, 5)
        let fifo = directory.path + "/pipe.txt"
        #expect(mkfifo(fifo, 0o600) == 0)
        let socketPath = directory.path + "/s.sock"
        let socketFD = makeSocket(at: socketPath)
        defer { close(socketFD) }
        // A character device node of our own (root here), beside the system's /dev/zero.
        let device = directory.path + "/zero.txt"
        var zero = stat()
        #expect(stat("/dev/zero", &zero) == 0)
        let madeDevice = mknod(device, S_IFCHR | 0o600, zero.st_rdev) == 0
        try await withMonitor(allow: [directory.path, "/dev/zero"]) { monitor, looks in
            await track(monitor, "healthy", healthy)
            await track(monitor, "fifo", fifo)
            await track(monitor, "socket", socketPath)
            await track(monitor, "zero", "/dev/zero")
            if madeDevice { await track(monitor, "device", device) }
            for (name, type) in [("fifo", "FIFO"), ("socket", "socket"), ("zero", "character device")]
                + (madeDevice ? [("device", "character device")] : [])
            {
                try await eventually("\(name) refused") { looks.reason(name) == "UnsupportedFormat" }
                #expect(looks.message(name)?.contains("is a") == true && looks.message(name)?.contains(type) == true, "\(looks.message(name) ?? "")")
            }
            #expect(looks.samples("healthy") == 5)
            // The FIFO is refused again on every look, and never blocks the others.
            for round in 1...3 {
                try appendLines(healthy, 1)
                try await eventually("append \(round) counted") { looks.samples("healthy") == 5 + round }
                await monitor.rescanAll()
                #expect(looks.reason("fifo") == "UnsupportedFormat")
            }
            #expect(monitor.poolSnapshot.writtenOff == 0, "nothing was stuck")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aHungScanIsAbandonedRetriedAndHoldsNoWorkerWhileOthersReport() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hung = directory.path + "/hung.txt"
        try appendLines(hung, 3)
        let healthy = directory.path + "/healthy.txt"
        try appendLines(healthy, 5)
        let gate = Gate(marker: "hung")
        // One worker: without a replacement for the stuck one, nothing else would be scanned.
        try await withMonitor(allow: [directory.path], workers: 1, maxWrittenOff: 2, gate: gate) { monitor, looks in
            await track(monitor, "hung", hung)
            try await eventually("the hung scan entered the mount") { gate.waiting.load(ordering: .relaxed) == 1 }
            await track(monitor, "healthy", healthy)
            try await eventually("healthy counted beside the hung one") { looks.samples("healthy") == 5 }
            try await eventually("the hung scan abandoned") { looks.reason("hung") == "IOError" }
            #expect(looks.message("hung")?.contains("no progress for 300 ms") == true, "\(looks.message("hung") ?? "")")
            #expect(monitor.poolSnapshot.writtenOff >= 1)
            for round in 1...3 {
                try appendLines(healthy, 1)
                try await eventually("append \(round) counted while the mount hangs") { looks.samples("healthy") == 5 + round }
            }
            // Several backoff periods passed: the retry waits for the stuck thread instead of
            // hanging another one.
            #expect(monitor.poolSnapshot.writtenOff == 1)
            #expect(gate.entered.load(ordering: .relaxed) == 1)
            // The mount comes back: the stuck thread returns, the retry counts.
            gate.release()
            try await eventually("counted once the mount answers", timeout: .seconds(20)) { looks.samples("hung") == 3 }
            try await eventually("no worker written off any more") { monitor.poolSnapshot.writtenOff == 0 }
            #expect(monitor.poolSnapshot.workers == 1)
            #expect(monitor.health.problem() == nil)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aRescanKeepsTheLastCountUntilTheNewOneIsExact() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/slow.txt"
        try appendLines(file, 10)
        let gate = Gate(marker: "slow")
        gate.release()
        try await withMonitor(allow: [directory.path], stall: .seconds(30), gate: gate) { monitor, looks in
            await track(monitor, "slow", file)
            try await eventually("counted") { looks.samples("slow") == 10 }
            let before = looks.count("slow")
            gate.close()
            try appendLines(file, 5)
            try await eventually("the rescan is under way") { gate.waiting.load(ordering: .relaxed) == 1 }
            #expect(looks.count("slow") == before, "nothing reported while the rescan runs")
            #expect(looks.samples("slow") == 10)
            gate.release()
            try await eventually("the new exact count") { looks.samples("slow") == 15 }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func everyWorkerStuckMakesTheMonitorUnhealthyUntilItRecovers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hung = directory.path + "/hung.txt"
        let healthy = directory.path + "/healthy.txt"
        try appendLines(hung, 1)
        try appendLines(healthy, 1)
        let gate = Gate(marker: "hung")
        // One worker and no replacement: a hung look leaves the others waiting.
        try await withMonitor(allow: [directory.path], workers: 1, maxWrittenOff: 0, gate: gate) { monitor, looks in
            #expect(monitor.health.problem() == nil, "idle is healthy")
            await track(monitor, "hung", hung)
            try await eventually("stuck") { gate.waiting.load(ordering: .relaxed) == 1 }
            await track(monitor, "healthy", healthy)
            // Under load the loop-liveness reason may show first; wait for the stall to be named.
            try await eventually("unhealthy: no scan progress", timeout: .seconds(30)) {
                monitor.health.problem()?.contains("no scan progress") == true
            }
            #expect(looks.samples("healthy") == nil)
            gate.release()
            try await eventually("healthy again") { looks.samples("healthy") == 1 && monitor.health.problem() == nil }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aHugeDirectoryIsCountedBesideHealthyDatasets() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let huge = directory.path + "/huge"
        let files = 20_000
        for shard in 0..<20 {
            let sub = huge + "/\(shard)"
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            for index in 0..<(files / 20) {
                let fd = open(sub + "/\(index).jpg", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                #expect(fd >= 0)
                close(fd)
            }
        }
        let healthy = directory.path + "/healthy.txt"
        try appendLines(healthy, 2)
        try await withMonitor(allow: [directory.path], stall: .seconds(30)) { monitor, looks in
            await track(monitor, "huge", huge, format: "dir")
            await track(monitor, "healthy", healthy)
            try await eventually("healthy counted") { looks.samples("healthy") == 2 }
            try await eventually("huge counted", timeout: .seconds(60)) { looks.samples("huge") == files }
            try appendLines(healthy, 1)
            try await eventually("append counted") { looks.samples("healthy") == 3 }
        }
    }
}
