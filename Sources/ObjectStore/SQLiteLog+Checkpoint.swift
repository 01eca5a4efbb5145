import GRDB
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The background checkpointer's bookkeeping (guarded by `SQLiteLog.checkpoints`).
struct CheckpointState: Sendable {
    /// Commits since the last checkpoint started.
    var commits = 0
    /// A passive checkpoint, or the WAL reset it asked for, is in progress.
    var running = false
    /// Passive checkpoints completed.
    var completed = 0
    /// WAL resets completed: the writer's `wal_checkpoint(RESTART)`s, and the `TRUNCATE` on close.
    var resets = 0
    /// WAL size above which the writer resets it.
    var walLimit: Int64 = StoreOptions.defaultWALLimit
}

/// Bytes on disk of the database file and its WAL.
package struct StorageSize: Sendable, Equatable {
    package var databaseBytes: Int64
    package var walBytes: Int64
    /// Pages on the freelist (reused by later writes, or returned by incremental vacuum), in bytes.
    package var freeBytes: Int64

    package var totalBytes: Int64 { databaseBytes + walBytes }
}

/// WAL bounding. A `PASSIVE` checkpoint (on its own connection, every
/// ``SQLiteLog/checkpointEveryCommits`` commits) copies committed pages into the database while
/// writes go on, but SQLite only starts the WAL over when a checkpoint has copied *every* frame
/// and no reader uses it, which never happens while writes keep coming: the WAL grew by ~8 KB a
/// write. So after each passive checkpoint, if the WAL passed `walLimit`, the writer connection
/// runs `wal_checkpoint(RESTART)` between two commits: little is left to copy (the passive pass
/// did it), it waits for readers (short: no read transaction is held across awaits), and the next
/// commit writes the WAL from its start again, where `journal_size_limit` (= `walLimit`) cuts the
/// file back. The file is reused, not truncated: a commit that overwrites WAL blocks syncs
/// without the file-system journal, one that extends the file does not (on ext4 here, `fdatasync`
/// after an extending 24 KB write took 1.7× one after an overwrite), and the rate over 150,000
/// patches was 1.07–1.18× truncating to 0. Only a clean close truncates it to 0 bytes.
///
/// Invariant: at most one checkpoint (passive or resetting) is in flight at a time; file sizes
/// are read only on GRDB's dispatch queues, never on the cooperative pool.
extension SQLiteLog {
    /// Sets the WAL limit (also as `journal_size_limit`). Call once, right after `init`.
    func configureCheckpoints(walLimit: Int64) throws {
        checkpoints.withLock { $0.walLimit = walLimit }
        try pool.writeWithoutTransaction { db in
            _ = try Int64.fetchOne(db, sql: "PRAGMA journal_size_limit = \(walLimit)")
        }
    }

    /// Passive checkpoints completed in the background since the log opened.
    var checkpointCount: Int { checkpoints.withLock { $0.completed } }

    /// WAL resets completed since the log opened.
    var walResetCount: Int { checkpoints.withLock { $0.resets } }

    var walPath: String { pool.path + "-wal" }

    /// Starts a background checkpoint every ``checkpointEveryCommits`` commits, one at a time;
    /// with `force`, now (after compaction or vacuum, which commit outside `append`).
    func checkpointIfDue(force: Bool = false) {
        let start = checkpoints.withLock { state in
            state.commits += 1
            guard force || state.commits >= Self.checkpointEveryCommits, !state.running else { return false }
            state.commits = 0
            state.running = true
            return true
        }
        guard start else { return }
        checkpointer.asyncWriteWithoutTransaction { db in
            // PASSIVE copies what no reader still needs; a failure (busy) is retried next time.
            _ = try? db.checkpoint(.passive)
            let limit = self.checkpoints.withLock { state in
                state.completed += 1
                return state.walLimit
            }
            guard Self.fileSize(self.walPath) > limit else {
                self.checkpoints.withLock { $0.running = false }
                return
            }
            self.pool.asyncWriteWithoutTransaction { db in
                let reset = (try? db.checkpoint(.restart)) != nil
                self.checkpoints.withLock { state in
                    state.running = false
                    if reset { state.resets += 1 }
                }
            }
        }
    }

    /// Checkpoints everything and truncates the WAL to 0 bytes on the writer connection, after
    /// the writes queued before it (used on close). Throws if readers kept it busy past the timeout.
    func truncateWAL() async throws {
        // A passive checkpoint still running would make the truncation fail busy: wait it out.
        try await checkpointer.writeWithoutTransaction { _ in }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pool.asyncWriteWithoutTransaction { db in
                do {
                    _ = try db.checkpoint(.truncate)
                    self.checkpoints.withLock { $0.resets += 1 }
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Sizes of the database file and the WAL as they are on disk now.
    func storageSize() async throws -> StorageSize {
        try await pool.read { db in
            let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            return StorageSize(
                databaseBytes: Self.fileSize(self.pool.path), walBytes: Self.fileSize(self.walPath),
                freeBytes: free * pageSize)
        }
    }

    /// Size of the file at `path`, 0 if it does not exist. Blocking: call on a GRDB queue.
    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }
}
