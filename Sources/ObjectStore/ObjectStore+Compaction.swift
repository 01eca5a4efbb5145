import Foundation
import Synchronization

extension ObjectStore {
    /// Deletes history no watcher may need any more: everything older than both the newest
    /// `minRetainedRevisions` revisions and the last `minRetainedDuration`, and in any case
    /// everything older than the newest `maxRetainedRevisions`, except the current row of each
    /// live object. Watches from before the new `compactRevision` then fail with `compacted`.
    /// Runs beside writes (SQLite serializes it with them, in small transactions), then returns
    /// surplus free pages to the file system and checkpoints the WAL.
    package func compact() async throws {
        if closed { throw StoreError.closed }
        guard !compacting else { return }
        let byCount = currentRevision - compactionPolicy.minRetainedRevisions
        guard byCount > compactRevision else { return }
        let (seconds, attoseconds) = compactionPolicy.minRetainedDuration.components
        let nowMillis = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let cutoff = nowMillis - (seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        let byCap = currentRevision - compactionPolicy.maxRetainedRevisions
        compacting = true
        defer { compacting = false }
        do {
            let byTime = try await log.newestRevision(atMost: byCount, before: cutoff) ?? 0
            let target = max(byTime, byCap)
            guard target > compactRevision else { return }
            let rows = try await log.compact(through: target)
            compactRevision = max(compactRevision, target)
            let pages = try await log.releaseFreePages()
            writer.committed.withLock { state in
                state.statistics.compactions += 1
                state.statistics.compactedRows += rows
                state.statistics.releasedPages += pages
            }
            log.checkpointIfDue(force: true)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.storage("compaction failed: \(error)")
        }
    }

    /// Whether history passed `maxRetainedRevisions` by a quarter: `runCompaction` then
    /// compacts at once instead of waiting for its interval.
    var compactionOverdue: Bool {
        compactionPolicy.isOverCap(current: currentRevision, compacted: compactRevision)
    }

    /// Calls `compact()` every `interval`, and sooner (checked every `min(interval, 1 s)`)
    /// whenever history passed the policy's cap, until the task is cancelled or the store
    /// closes. Compaction errors do not stop the loop (the next round retries).
    package nonisolated func runCompaction(every interval: Duration = .seconds(60)) async {
        let tick = min(interval, .seconds(1))
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            let overdue = await compactionOverdue
            guard overdue || clock.now - last >= interval else { continue }
            last = clock.now
            do {
                try await compact()
            } catch let error as StoreError where error.code == .closed {
                return
            } catch {
                continue
            }
        }
    }
}
