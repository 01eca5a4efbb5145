import Foundation
import GRDB
import SQLiteSupport
import Synchronization

/// The append-only revision log in one SQLite database (WAL), kine's shape: the row id is the
/// revision. All SQL lives here; no in-memory state, no policy.
///
/// Schema: `log(revision PK, resource, namespace, name, kind, create_revision, prev_revision,
/// value, time_ms)` with an index on the key, and `meta(key PK, value)` holding
/// `compact_revision` (history at or below it may be gone; it also keeps the revision counter
/// monotonic if compaction ever deleted the newest rows).
///
/// Checkpoints never run inside a commit: the writer's automatic checkpoint is off, and every
/// ``checkpointEveryCommits`` commits a second connection copies the WAL into the database in
/// the background (`PASSIVE`: it neither waits for nor blocks readers and the writer). With
/// SQLite's default, the commit that crossed 1,000 WAL pages ran the checkpoint and its fsyncs
/// itself, and every write queued behind it waited hundreds of milliseconds. A passive
/// checkpoint never resets a WAL that is written to without pause, so once the WAL passes its
/// limit the writer resets it between two commits (see `SQLiteLog+Checkpoint.swift`).
final class SQLiteLog: Sendable {
    struct Snapshot {
        /// Live objects, sorted by key.
        var objects: [StoredObject]
        var currentRevision: Int64
        var compactRevision: Int64
    }

    private let file: SQLiteFile
    /// Applied to the values of the resources it names, at the file boundary only.
    let transformer: (any StorageTransformer)?
    var pool: DatabasePool { file.pool }
    /// The connection that runs checkpoints, off the writer's queue.
    let checkpointer: DatabaseQueue
    static let checkpointEveryCommits = 100
    /// Commits since the last checkpoint started, whether one is running, how many ran, the WAL limit.
    let checkpoints = Mutex(CheckpointState())

    init(path: String, durability: Durability, transformer: (any StorageTransformer)? = nil) throws {
        self.transformer = transformer
        let synchronous: SQLiteFile.Synchronous = durability == .durable ? .full : .normal
        do {
            file = try SQLiteFile(
                path: path, label: "ObjectStore", owner: "another store", synchronous: synchronous,
                pragmas: ["wal_autocheckpoint = 0"], incrementalVacuumIfNew: true, schema: Self.schema)
        } catch let error as SQLiteFileError {
            throw StoreError.storage(error.description)
        }
        do {
            var config = Configuration()
            config.label = "ObjectStore.checkpointer"
            checkpointer = try DatabaseQueue(path: path, configuration: config)
            try checkpointer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)") }
        } catch {
            file.close()
            throw error
        }
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS log (
            revision INTEGER PRIMARY KEY,
            resource TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            kind INTEGER NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            value BLOB NOT NULL,
            time_ms INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS log_key ON log(resource, namespace, name, revision);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """

    /// The values of pragmas on the writer connection, in order, read in one turn of the writer
    /// (for diagnostics and tests: `journal_mode`, `synchronous`).
    func pragmas(_ names: [String]) async throws -> [String] {
        try await pool.write { db in try names.map { try String.fetchOne(db, sql: "PRAGMA \($0)") ?? "" } }
    }

    /// Loads the live objects (newest row per key, unless it is a delete) and the revisions.
    func load() throws -> Snapshot {
        try pool.read { db in
            let compact = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compact_revision'") ?? 0
            let maxRevision = try Int64.fetchOne(db, sql: "SELECT MAX(revision) FROM log") ?? 0
            var objects: [StoredObject] = []
            // The newest revision per key comes from the key index alone (no row is read), so
            // only the live rows are read from the table: start time follows the live objects.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.revision, l.resource, l.namespace, l.name, l.create_revision, l.value
                FROM (SELECT MAX(revision) AS newest FROM log GROUP BY resource, namespace, name) m
                JOIN log l ON l.revision = m.newest
                WHERE l.kind != \(LogRow.Kind.deleted.rawValue)
                ORDER BY l.resource, l.namespace, l.name
                """)
            while let row = try rows.next() {
                let key = ObjectKey(resource: row[1], namespace: row[2], name: row[3])
                objects.append(StoredObject(
                    key: key, revision: row[0], createRevision: row[4], value: try self.fromStorage(Self.bytes(row, 5), key)
                ))
            }
            return Snapshot(objects: objects, currentRevision: max(compact, maxRevision), compactRevision: compact)
        }
    }

    /// Runs `body` on the writer connection's queue, after the work queued before it, without
    /// waiting for it (the store's writer takes its turns here).
    func onWriter(_ body: @escaping @Sendable (Database) -> Void) {
        pool.asyncWriteWithoutTransaction(body)
    }

    /// Appends `rows` in one transaction on `db`, the writer connection (inside `onWriter`), and
    /// returns once it is committed (and synced, per the durability).
    func append(_ plainRows: [LogRow], in db: Database) throws {
        var rows = plainRows
        if let transformer {
            for i in rows.indices where transformer.applies(to: rows[i].key.resource) {
                let key = rows[i].key
                do {
                    rows[i].value = try transformer.toStorage(rows[i].value, key: key)
                } catch {
                    throw StoreError.storage("transforming \(key.resource) \(key.namespace)/\(key.name) for storage failed")
                }
            }
        }
        try db.inTransaction {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO log (revision, resource, namespace, name, kind, create_revision,
                prev_revision, value, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                try statement.execute(arguments: [
                    row.revision, row.key.resource, row.key.namespace, row.key.name, row.kind.rawValue,
                    row.createRevision, row.previousRevision, Data(row.value), row.timeMillis,
                ])
            }
            return .commit
        }
    }

    /// Events with `after < revision <= through` matching `filter`, at most `limit`, in order.
    /// Reads one snapshot; throws `StoreError.compacted` if that snapshot's compaction passed `after`.
    func events(_ filter: WatchFilter, after: Int64, through: Int64, limit: Int) async throws -> [StoreEvent] {
        try await pool.read { db in
            let compact = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compact_revision'") ?? 0
            if after < compact { throw StoreError.compacted(requested: after, oldestAvailable: compact) }
            var sql = """
                SELECT l.revision, l.namespace, l.name, l.kind, l.create_revision, l.prev_revision, l.value, p.value
                FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
                WHERE l.revision > ? AND l.revision <= ? AND l.resource = ?
                """
            var arguments: StatementArguments = [after, through, filter.resource]
            if let namespace = filter.namespace {
                sql += " AND l.namespace = ?"
                arguments += [namespace]
            }
            sql += " ORDER BY l.revision LIMIT ?"
            arguments += [limit]
            var events: [StoreEvent] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                events.append(try self.event(row, resource: filter.resource))
            }
            return events
        }
    }

    private func event(_ row: Row, resource: String) throws -> StoreEvent {
        let key = ObjectKey(resource: resource, namespace: row[1], name: row[2])
        let revision: Int64 = row[0]
        let createRevision: Int64 = row[4]
        let previousRevision: Int64 = row[5]
        let value = try fromStorage(Self.bytes(row, 6), key)
        let object = StoredObject(key: key, revision: revision, createRevision: createRevision, value: value)
        switch LogRow.Kind(rawValue: row[3]) {
        case .created:
            return StoreEvent(type: .added, object: object, previous: nil)
        case .deleted:
            var previous = object
            previous.revision = previousRevision
            return StoreEvent(type: .deleted, object: object, previous: previous)
        case .updated, nil:
            let previous: StoredObject? = row.hasNull(atIndex: 7) ? nil : StoredObject(
                key: key, revision: previousRevision, createRevision: createRevision, value: try fromStorage(Self.bytes(row, 7), key)
            )
            return StoreEvent(type: .modified, object: object, previous: previous)
        }
    }

    /// The plain value of a stored one (the transformer's, for the resources it covers).
    private func fromStorage(_ stored: [UInt8], _ key: ObjectKey) throws -> [UInt8] {
        guard let transformer, transformer.applies(to: key.resource) else { return stored }
        do {
            return try transformer.fromStorage(stored, key: key)
        } catch {
            throw StoreError.storage("reading \(key.resource) \(key.namespace)/\(key.name) from storage: \(error)")
        }
    }

    private static func bytes(_ row: Row, _ index: Int) throws -> [UInt8] {
        try row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } ?? [] }
    }

    /// The newest revision at or below `atMost` committed at or before `timeMillis`, if any.
    func newestRevision(atMost: Int64, before timeMillis: Int64) async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT revision FROM log WHERE revision <= ? AND time_ms <= ? ORDER BY revision DESC LIMIT 1
                """, arguments: [atMost, timeMillis])
        }
    }

    /// Number of rows in the log (tests and metrics).
    func rowCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log") ?? 0 }
    }

    /// Closes the database and releases the lock. Idempotent.
    func close() {
        try? checkpointer.close()
        file.close()
    }
}
