import DatasetScan
@testable import EdgeAgent
import EdgeAITesting
import EdgeSync
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The monitor sees file changes through inotify alone: the safety-net rescan is an hour away.
@Suite(.timeLimit(.minutes(5)))
struct DatasetMonitorTests {
    final class Looks: Sendable {
        let all = Mutex<[DatasetMonitor.Look]>([])
        func latest(_ name: String) -> DatasetMonitor.Look? {
            all.withLock { $0.last { $0.ref.key == datasetKey(name) } }
        }
        func samples(_ name: String) -> Int? {
            if case .scanned(let result)? = latest(name)?.observation { return result.numberOfSamples }
            return nil
        }
        func reason(_ name: String) -> String? { latest(name)?.observation.failureReason }
    }

    func withMonitor(root: String = "/", allow: [String], _ body: (DatasetMonitor, Looks) async throws -> Void) async throws {
        let looks = Looks()
        let monitor = DatasetMonitor(
            locator: try DataLocator(root: root, allow: allow), rescanInterval: .seconds(3600),
            sink: { look in looks.all.withLock { $0.append(look) } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await monitor.run() }
            try await body(monitor, looks)
            group.cancelAll()
        }
    }

    func track(_ monitor: DatasetMonitor, _ name: String, _ url: String, format: String = "txt") async {
        let object = makeDataset(name, dataUrl: url, format: format)
        await monitor.track(object.ref, dataUrl: url, format: format, previous: nil, wait: true)
    }

    @Test(.timeLimit(.minutes(3)))
    func anAppendIsSeenAndCountedIncrementally() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/cats.txt"
        try appendLines(file, 10)
        try await withMonitor(allow: [directory.path]) { monitor, looks in
            await track(monitor, "cats", file)
            #expect(looks.samples("cats") == 10)
            try appendLines(file, 5)
            try await eventually("append seen") { looks.samples("cats") == 15 }
            // The look that counted the append (a later one may find the file unchanged).
            let counted = looks.all.withLock { all in
                all.compactMap { look -> ScanResult? in
                    guard look.ref.key == datasetKey("cats"), case .scanned(let result) = look.observation else { return nil }
                    return result
                }.first { $0.numberOfSamples == 15 }
            }
            let result = try #require(counted)
            #expect(result.mode == .incremental)
            #expect(result.bytesScanned < result.sizeBytes)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aFileReplacedByRenameTruncatedDeletedAndRecreated() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/cats.txt"
        try appendLines(file, 10)
        try await withMonitor(allow: [directory.path]) { monitor, looks in
            await track(monitor, "cats", file)
            #expect(looks.samples("cats") == 10)
            // Write-temp-then-rename: a new inode under the same name.
            try appendLines(directory.path + "/.cats.tmp", 3)
            #expect(rename(directory.path + "/.cats.tmp", file) == 0)
            try await eventually("replacement seen") { looks.samples("cats") == 3 }
            #expect(truncate(file, 0) == 0)
            try await eventually("truncation seen") { looks.samples("cats") == 0 }
            try FileManager.default.removeItem(atPath: file)
            try await eventually("deletion seen") { looks.reason("cats") == "NotFound" }
            try appendLines(file, 4)
            try await eventually("recreation seen") { looks.samples("cats") == 4 }
            try appendLines(file, 1)
            try await eventually("append to the recreated file seen") { looks.samples("cats") == 5 }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aMissingDirectoryIsWatchedThroughItsAncestorUntilItAppears() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/later/deep/cats.jsonl"
        try await withMonitor(allow: [directory.path]) { monitor, looks in
            await track(monitor, "cats", file, format: "jsonl")
            #expect(looks.reason("cats") == "NotFound")
            try FileManager.default.createDirectory(atPath: directory.path + "/later/deep", withIntermediateDirectories: true)
            try writeFile(file, "{\"a\":1}\n{\"a\":2}\n")
            try await eventually("file in a new directory seen") { looks.samples("cats") == 2 }
            // The directory itself removed and recreated.
            try FileManager.default.removeItem(atPath: directory.path + "/later")
            try await eventually("directory removal seen") { looks.reason("cats") == "NotFound" }
            try FileManager.default.createDirectory(atPath: directory.path + "/later/deep", withIntermediateDirectories: true)
            try writeFile(file, "{}\n")
            try await eventually("recreated directory seen") { looks.samples("cats") == 1 }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aDirectoryDatasetSeesFilesAddedAndRemoved() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let images = directory.path + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        try writeFile(images + "/1.jpg", "x")
        try await withMonitor(allow: [directory.path]) { monitor, looks in
            await track(monitor, "images", images, format: "dir")
            #expect(looks.samples("images") == 1)
            try writeFile(images + "/2.jpg", "y")
            try await eventually("file added") { looks.samples("images") == 2 }
            try FileManager.default.removeItem(atPath: images + "/1.jpg")
            try await eventually("file removed") { looks.samples("images") == 1 }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func forgettingADatasetReleasesItsWatches() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/\(name)", withIntermediateDirectories: true)
            try appendLines(directory.path + "/\(name)/data.txt", 2)
        }
        try await withMonitor(allow: [directory.path]) { monitor, looks in
            await track(monitor, "a", directory.path + "/a/data.txt")
            await track(monitor, "b", directory.path + "/b/data.txt")
            await track(monitor, "a2", directory.path + "/a/data.txt")
            #expect(await monitor.watchCount == 2)
            #expect(monitor.kernelWatchCount() == 2)
            await monitor.forget(datasetKey("a"))
            #expect(monitor.kernelWatchCount() == 2, "a2 still watches a/")
            await monitor.forget(datasetKey("a2"))
            await monitor.forget(datasetKey("b"))
            #expect(await monitor.watchCount == 0)
            #expect(monitor.kernelWatchCount() == 0)
            #expect(await monitor.trackedKeys.isEmpty)
            // A forgotten dataset is not looked at any more.
            let before = looks.all.withLock { $0.count }
            try appendLines(directory.path + "/a/data.txt", 1)
            await monitor.rescanAll()
            #expect(looks.all.withLock { $0.count } == before)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func refusedLocationsAreNeverOpened() async throws {
        let host = try TemporaryDirectory()
        defer { host.remove() }
        let secret = host.path + "/secret"
        try FileManager.default.createDirectory(atPath: host.path + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: secret, withIntermediateDirectories: true)
        try appendLines(secret + "/key.txt", 3)
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/escape.txt", withDestinationPath: "/secret/key.txt")
        try FileManager.default.createSymbolicLink(atPath: host.path + "/data/dir", withDestinationPath: "../secret")
        // Any open or read inside the secret directory shows up on this inotify descriptor.
        let spy = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        #expect(spy >= 0)
        defer { close(spy) }
        #expect(inotify_add_watch(spy, secret, UInt32(IN_OPEN | IN_ACCESS)) >= 0)
        try await withMonitor(root: host.path, allow: ["/data"]) { monitor, looks in
            await track(monitor, "escape", "/data/escape.txt")
            await track(monitor, "dir", "/data/dir", format: "dir")
            await track(monitor, "outside", "/secret/key.txt")
            await track(monitor, "dots", "/data/../secret/key.txt")
            for name in ["escape", "dir", "outside", "dots"] {
                #expect(looks.reason(name) == "NotAllowed", "\(name)")
                #expect(looks.latest(name)?.path == nil)
            }
            await monitor.rescanAll()
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        #expect(read(spy, &buffer, buffer.count) == -1, "something opened or read the secret directory")
        // The spy works: a real open is seen.
        let fd = open(secret + "/key.txt", O_RDONLY)
        close(fd)
        #expect(read(spy, &buffer, buffer.count) > 0)
    }
}
