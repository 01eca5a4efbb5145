package import EdgeSync
import Foundation
import GRDB
import SQLiteSupport

/// The agent's durable state in one SQLite database (WAL, `synchronous=FULL`): the objects the
/// node holds with the agent's local state for each (last scan, last reported status, metrics),
/// and the outbox of status reports (the latest per object).
///
/// Every method returns once its transaction is committed and synced, so `kill -9` loses
/// nothing a method acknowledged. Object changes follow ``Inventory/effect(of:current:)`` row for
/// row; the outbox follows ``ReportOutbox``'s rules. One agent at a time owns the database
/// (`<path>.lock`, `flock`). Holds no in-memory state besides the connection pool.
package final class AgentStore: Sendable {
    private let file: SQLiteFile
    private var pool: DatabasePool { file.pool }
    private static let encoder = JSONEncoder()

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: ``AgentStoreError`` when another agent holds the database, or a GRDB error.
    package init(path: String) throws {
        do {
            file = try SQLiteFile(
                path: path, label: "AgentStore", owner: "another edge agent", synchronous: .full,
                schema: """
                    CREATE TABLE IF NOT EXISTS objects (
                        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                        uid TEXT NOT NULL, resource_version TEXT NOT NULL,
                        body BLOB NOT NULL, local BLOB,
                        PRIMARY KEY (kind, namespace, name)
                    );
                    CREATE TABLE IF NOT EXISTS outbox (
                        kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                        report_id TEXT NOT NULL, body BLOB NOT NULL,
                        PRIMARY KEY (kind, namespace, name)
                    );
                    """)
        } catch let error as SQLiteFileError {
            throw AgentStoreError(error.description)
        }
    }

    /// Closes the database and releases the lock. The store is unusable afterwards.
    package func close() {
        file.close()
    }

    /// Everything the node holds, sorted by slot, with the agent's local state for each.
    package func objects() async throws -> [HeldObject] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT body, local FROM objects ORDER BY kind, namespace, name")
            return try rows.map { row in
                let body: Data = row[0]
                let local: Data? = row[1]
                return HeldObject(
                    object: try JSONDecoder().decode(SyncObject.self, from: body),
                    local: try local.map { try JSONDecoder().decode(LocalState.self, from: $0) } ?? LocalState())
            }
        }
    }

    /// The inventory for `hello`: slot, uid and resourceVersion of everything held.
    package func inventory() async throws -> [InventoryEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, namespace, name, uid, resource_version FROM objects ORDER BY kind, namespace, name")
                .compactMap { row in
                    guard let kind = SyncKind(rawValue: row[0]) else { return nil }
                    return InventoryEntry(kind: kind, namespace: row[1], name: row[2], uid: row[3], resourceVersion: row[4])
                }
        }
    }

    /// Applies `change` by the ``Inventory`` rules and returns its effect once durable. Storing
    /// another uid in a slot, or removing it, drops the slot's local state and pending report;
    /// a new resourceVersion of the same uid keeps them.
    @discardableResult
    package func apply(_ change: ObjectChange) async throws -> Inventory.Effect {
        try await enqueueApply(change).committed()
    }

    /// ``apply(_:)`` in two steps, queued before this returns (see ``Commit``).
    package func enqueueApply(_ change: ObjectChange) throws -> Commit<Inventory.Effect> {
        let body: Data? = if case .upsert(let object) = change { try Self.encoder.encode(object) } else { nil }
        return enqueue { db in
            let key = change.key
            let current = try Row.fetchOne(
                db, sql: "SELECT uid, resource_version FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                arguments: [key.kind.rawValue, key.namespace, key.name]
            ).map { row in
                InventoryEntry(kind: key.kind, namespace: key.namespace, name: key.name, uid: row[0], resourceVersion: row[1])
            }
            let effect = Inventory.effect(of: change, current: current)
            switch (effect, change) {
            case (.store(let replaced), .upsert(let object)):
                if let replaced, replaced.uid != object.uid {
                    try Self.deleteSlot(db, key, fromObjects: false)
                }
                try db.execute(
                    sql: """
                        INSERT INTO objects (kind, namespace, name, uid, resource_version, body) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, namespace, name) DO UPDATE SET
                            uid = excluded.uid, resource_version = excluded.resource_version, body = excluded.body,
                            local = CASE WHEN objects.uid = excluded.uid THEN objects.local ELSE NULL END
                        """,
                    arguments: [key.kind.rawValue, key.namespace, key.name, object.uid, object.resourceVersion, body])
            case (.remove, _):
                try Self.deleteSlot(db, key, fromObjects: true)
            default:
                break
            }
            return effect
        }
    }

    /// Queues `transaction` on the writer now and returns its commit to wait for.
    private func enqueue<Value: Sendable>(_ transaction: @escaping @Sendable (Database) throws -> Value) -> Commit<Value> {
        let (outcome, finished) = AsyncStream.makeStream(of: Result<Value, any Error>.self, bufferingPolicy: .bufferingNewest(1))
        pool.asyncWrite(transaction) { _, result in
            finished.yield(result)
            finished.finish()
        }
        return Commit(outcome: outcome)
    }

    private static func deleteSlot(_ db: Database, _ key: SyncKey, fromObjects: Bool) throws {
        let arguments: StatementArguments = [key.kind.rawValue, key.namespace, key.name]
        try db.execute(sql: "DELETE FROM outbox WHERE kind = ? AND namespace = ? AND name = ?", arguments: arguments)
        if fromObjects {
            try db.execute(sql: "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?", arguments: arguments)
        }
    }

    /// Saves the local state of the object `ref` and, when given, puts `report` into the outbox
    /// as the object's latest, in one transaction. Does nothing (and returns `false`) when the
    /// slot no longer holds `ref.uid`: a late observation never lands on a replaced object.
    @discardableResult
    package func record(_ local: LocalState, for ref: ObjectRef, report: StatusReport? = nil) async throws -> Bool {
        try await enqueueRecord(local, for: ref, report: report).committed()
    }

    /// ``record(_:for:report:)`` in two steps, queued before this returns (see ``Commit``).
    package func enqueueRecord(_ local: LocalState, for ref: ObjectRef, report: StatusReport? = nil) throws -> Commit<Bool> {
        let localBody = try Self.encoder.encode(local)
        let reportBody = try report.map { try Self.encoder.encode($0) }
        return enqueue { db in
            try db.execute(
                sql: "UPDATE objects SET local = ? WHERE kind = ? AND namespace = ? AND name = ? AND uid = ?",
                arguments: [localBody, ref.kind.rawValue, ref.namespace, ref.name, ref.uid])
            guard db.changesCount == 1 else { return false }
            if let report, let reportBody {
                try db.execute(
                    sql: """
                        INSERT INTO outbox (kind, namespace, name, report_id, body) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (kind, namespace, name) DO UPDATE SET report_id = excluded.report_id, body = excluded.body
                        """,
                    arguments: [ref.kind.rawValue, ref.namespace, ref.name, report.reportID, reportBody])
            }
            return true
        }
    }

    /// A transaction queued on the writer, and its result once committed and synced. The writer
    /// runs transactions in the order they were queued, so whatever is queued after an
    /// `enqueue…` method returns (a scan's record after its object, the removal the hub's answer
    /// triggers after the report) runs after it, whenever its commit completes.
    package struct Commit<Value: Sendable>: Sendable {
        let outcome: AsyncStream<Result<Value, any Error>>

        package func committed() async throws -> Value {
            for await result in outcome { return try result.get() }
            throw AgentStoreError("the store closed before the transaction committed")
        }
    }

    /// The pending reports, sorted by slot.
    package func reports() async throws -> [StatusReport] {
        try await pool.read { db in
            try Data.fetchAll(db, sql: "SELECT body FROM outbox ORDER BY kind, namespace, name").map { body in
                try JSONDecoder().decode(StatusReport.self, from: body)
            }
        }
    }

    /// Removes the report with this id when `outcome` is final and the id is still its object's
    /// latest; returns whether a report was removed.
    @discardableResult
    package func removeReport(reportID: String, outcome: ReportOutcome) async throws -> Bool {
        guard outcome.isFinal else { return false }
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE report_id = ?", arguments: [reportID])
            return db.changesCount > 0
        }
    }

    deinit { close() }
}

/// One object the node holds, with what the agent keeps about it locally.
package struct HeldObject: Sendable, Equatable {
    package var object: SyncObject
    package var local: LocalState

    package init(object: SyncObject, local: LocalState) {
        self.object = object
        self.local = local
    }
}

/// A failure of the agent's store that is not a database error.
package struct AgentStoreError: Error, Sendable, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}
