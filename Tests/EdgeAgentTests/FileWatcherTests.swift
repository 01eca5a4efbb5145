@testable import EdgeAgent
import EdgeAITesting
import Foundation
import Testing

@Suite(.timeLimit(.minutes(2)))
struct FileWatcherTests {
    /// A monitor that stops reading is never buffered for without bound: past
    /// `maxQueuedBatches` the events it missed become one overflow, which makes it look again.
    @Test func aConsumerThatFallsBehindGetsOneOverflowInsteadOfAnUnboundedQueue() async throws {
        #if os(Linux)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let watcher = FileWatcher(maxQueuedBatches: 1)
        #expect(watcher.isActive)
        #expect(watcher.add(directory.path) != nil)
        watcher.start()
        defer { watcher.stop() }
        // Three batches read while nobody consumes: the first is queued, the others dropped.
        for index in 0..<3 {
            try makeEntry(directory.path + "/file-\(index)")
            try await eventually("batch \(index + 1) read") { watcher.batchesRead > index }
        }
        var events = watcher.events.makeAsyncIterator()
        let first = try #require(await events.next())
        #expect(first.contains { $0.name == "file-0" }, "\(first)")
        #expect(!first.contains { $0.isOverflow })
        // The next batch stands for all that was dropped.
        try makeEntry(directory.path + "/file-3")
        let second = try #require(await events.next())
        #expect(second == [FileEvent.overflow])
        // Events flow again: file-4 reaches the consumer.
        try makeEntry(directory.path + "/file-4")
        var learned = false
        while !learned, let batch = await events.next() {
            #expect(batch.allSatisfy { !$0.isOverflow && $0.name == "file-4" }, "\(batch)")
            learned = batch.contains { $0.name == "file-4" }
        }
        #expect(learned)
        #endif
    }

    /// One inotify event (IN_CREATE): a directory appears at once (a file written through
    /// Foundation is a temporary file, then a rename).
    private func makeEntry(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
}
