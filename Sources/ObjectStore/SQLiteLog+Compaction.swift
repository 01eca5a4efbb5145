import GRDB

/// History compaction and page reuse.
///
/// Every row but an object's current one is superseded by exactly one later row, which names it
/// in `prev_revision` (an update's or a delete's). So compacting through `target` after an
/// earlier compaction through `previous` walks the rows in `(previous, newest]` in chunks of
/// revisions `(lo, hi]` and deletes the rows they name that lie at or below `target`, then the
/// delete rows (tombstones) of the chunk at or below `target`. Each chunk is one short
/// transaction on primary-key ranges, so a compaction costs the revisions written since the
/// last one (plus the retained window), not the whole history or the live objects, and writes
/// interleave between chunks. Every superseded row at or below `target` goes, whenever its
/// successor was written: no row is leaked past a later compaction. Both deletions of a chunk
/// commit together, so a crash mid-compaction never leaves a deleted object without its
/// tombstone (which would resurrect it on load).
extension SQLiteLog {
    /// Records `revision` as the compaction point, then deletes history at or below it in
    /// chunks of `chunk` revisions. Returns the rows deleted.
    func compact(through revision: Int64, chunk: Int64 = 2000) async throws -> Int {
        precondition(chunk > 0)
        let (previous, newest) = try await pool.write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compact_revision'") ?? 0
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(revision) FROM log") ?? 0
            try db.execute(sql: """
                INSERT INTO meta (key, value) VALUES ('compact_revision', ?)
                ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)
                """, arguments: [revision])
            return (previous, newest)
        }
        var deleted = 0
        var low = previous
        while low < newest {
            let high = min(low + chunk, newest)
            deleted += try await pool.write { [low] db in
                try db.execute(sql: """
                    DELETE FROM log WHERE revision IN (
                        SELECT prev_revision FROM log WHERE revision > ? AND revision <= ?
                        AND prev_revision > 0 AND prev_revision <= ?)
                    """, arguments: [low, high, revision])
                var count = db.changesCount
                try db.execute(sql: """
                    DELETE FROM log WHERE revision > ? AND revision <= ? AND kind = \(LogRow.Kind.deleted.rawValue)
                    """, arguments: [low, min(high, revision)])
                count += db.changesCount
                return count
            }
            low = high
        }
        return deleted
    }

    /// With `auto_vacuum=INCREMENTAL` (databases created by this version), returns free pages
    /// beyond `keepFraction` of the used pages (and beyond `minimumKeptPages`) to the file
    /// system, `chunk` pages per transaction. Free pages below that are kept for the next
    /// writes to reuse. Returns the pages released (0 in other databases, which still reuse
    /// their free pages but never shrink).
    func releaseFreePages(keepFraction: Double = 0.5, minimumKeptPages: Int = 256, chunk: Int = 1024) async throws -> Int {
        var released = 0
        while true {
            let step = try await pool.writeWithoutTransaction { db -> Int in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let keep = max(minimumKeptPages, Int(Double(pages - free) * keepFraction))
                let excess = min(free - keep, chunk)
                guard excess > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum(\(excess))")
                return excess
            }
            released += step
            if step < chunk { return released }
        }
    }
}
