import Foundation

extension ObjectStore {
    /// Deletes history no watcher may need any more: everything older than both the newest
    /// `minRetainedRevisions` revisions and the last `minRetainedDuration`, except the current
    /// row of each live object. Watches from before the new `compactRevision` then fail with
    /// `compacted`. Runs beside writes (SQLite serializes it with them, in small transactions).
    public func compact() async throws {
        if closed { throw StoreError.closed }
        guard !compacting else { return }
        let byCount = currentRevision - compactionPolicy.minRetainedRevisions
        guard byCount > compactRevision else { return }
        let (seconds, attoseconds) = compactionPolicy.minRetainedDuration.components
        let nowMillis = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        let cutoff = nowMillis - (seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        compacting = true
        defer { compacting = false }
        do {
            guard let target = try await log.newestRevision(atMost: byCount, before: cutoff),
                  target > compactRevision else { return }
            _ = try await log.compact(through: target)
            compactRevision = max(compactRevision, target)
            statistics.compactions += 1
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.storage("compaction failed: \(error)")
        }
    }

    /// Calls `compact()` every `interval` until the task is cancelled or the store closes.
    /// Compaction errors do not stop the loop (the next round retries).
    public nonisolated func runCompaction(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try await compact()
            } catch StoreError.closed {
                return
            } catch {
                continue
            }
        }
    }
}
