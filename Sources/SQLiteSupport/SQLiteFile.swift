import Foundation
package import GRDB
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SQLite database in WAL mode that exactly one process (one store) owns at a time.
///
/// Opening takes `<path>.lock` with `flock(LOCK_EX)` before SQLite touches the file, so a second
/// store on the same path is refused instead of sharing it; the directory is created if needed
/// (0700) and the database, its WAL and shared-memory files and the lock file are private (0600):
/// the stores hold tokens' subjects, Secrets and a node's credentials. The writer's `synchronous` level is set after GRDB's own
/// WAL setup (which leaves it at NORMAL), then `pragmas` run on the writer (and, when asked, a new
/// file is switched to incremental vacuum) and `schema` runs in a transaction. ``close()`` closes the pool and releases the lock; the file is unusable after.
package final class SQLiteFile: Sendable {
    package enum Synchronous: String, Sendable {
        /// Every commit is synced before it returns: `kill -9` or power loss loses nothing acknowledged.
        case full = "FULL"
        /// Commits survive a process crash; the last ones may be lost on power loss.
        case normal = "NORMAL"
    }

    package let path: String
    package let pool: DatabasePool
    private let lock: Mutex<Int32?>

    /// - Parameters:
    ///   - label: names the connections in GRDB's diagnostics.
    ///   - owner: how the refusal names the holder, e.g. "another edge agent".
    /// - Throws: ``SQLiteFileError`` when the lock is held or cannot be taken, or GRDB's error.
    package init(
        path: String, label: String, owner: String, synchronous: Synchronous,
        pragmas: [String] = [], incrementalVacuumIfNew: Bool = false, schema: String
    ) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = try Self.takeLock(path + ".lock", owner: owner)
        lock = Mutex(descriptor)
        do {
            try Self.makePrivate(path)
            var config = Configuration()
            config.busyMode = .timeout(10)
            config.label = label
            pool = try DatabasePool(path: path, configuration: config)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
                for pragma in pragmas { try db.execute(sql: "PRAGMA \(pragma)") }
                // In WAL mode `auto_vacuum` takes effect only through a VACUUM, which is instant
                // while the file has no tables; an older database keeps reusing its free pages.
                if incrementalVacuumIfNew, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0 {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                    try db.execute(sql: "VACUUM")
                }
            }
            try pool.write { db in try db.execute(sql: schema) }
        } catch {
            Self.closeDescriptor(descriptor)
            throw error
        }
    }

    /// Takes the lock file. A process being spawned elsewhere in this process shares every
    /// descriptor between its fork and its exec, so a lock released a moment ago can still look
    /// held: it retries for up to a second before refusing.
    private static func takeLock(_ lockPath: String, owner: String) throws(SQLiteFileError) -> Int32 {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SQLiteFileError("cannot open \(lockPath): errno \(errno)") }
        var attempts = 0
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            attempts += 1
            guard errno == EWOULDBLOCK, attempts < 100 else {
                closeDescriptor(descriptor)
                throw SQLiteFileError("\(lockPath.dropLast(5)) is already open in \(owner) (\(lockPath) is held)")
            }
            usleep(10_000)
        }
        return descriptor
    }

    /// Creates the database file owner-only before SQLite does (SQLite gives its WAL and
    /// shared-memory files the database's mode), and narrows an existing set to 0600.
    private static func makePrivate(_ path: String) throws(SQLiteFileError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw SQLiteFileError("cannot open \(path): errno \(errno)") }
        let narrowed = fchmod(descriptor, 0o600)
        closeDescriptor(descriptor)
        guard narrowed == 0 else { throw SQLiteFileError("cannot make \(path) private: errno \(errno)") }
        for suffix in ["-wal", "-shm"] { _ = chmod(path + suffix, 0o600) }
    }

    /// Closes the pool and releases the lock. Idempotent.
    package func close() {
        try? pool.close()
        if let descriptor = lock.withLock({ held -> Int32? in
            defer { held = nil }
            return held
        }) {
            Self.closeDescriptor(descriptor)
        }
    }

    deinit {
        if let descriptor = lock.withLock({ $0 }) { Self.closeDescriptor(descriptor) }
    }

    private static func closeDescriptor(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }
}

/// Opening a ``SQLiteFile`` failed before SQLite was involved (the lock).
package struct SQLiteFileError: Error, Sendable, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
