/// One requested write, waiting for the group-commit writer.
enum WriteOperation: Sendable {
    case create(ObjectKey, makeValue: @Sendable (Int64) throws -> [UInt8])
    case update(ObjectKey, expectedRevision: Int64?, transform: @Sendable (StoredObject, Int64) throws -> [UInt8]?)
    case delete(ObjectKey, expectedRevision: Int64?)

    var key: ObjectKey {
        switch self {
        case .create(let key, _), .update(let key, _, _), .delete(let key, _): key
        }
    }
}

/// One row of the append-only log: the change made at `revision`.
struct LogRow: Sendable, Equatable {
    enum Kind: Int64, Sendable {
        case created = 0, updated = 1, deleted = 2
    }

    var revision: Int64
    var key: ObjectKey
    var kind: Kind
    var createRevision: Int64
    /// Revision of the key's previous row (0 for a create).
    var previousRevision: Int64
    /// The new value; for a delete, the last value.
    var value: [UInt8]
    /// Commit time, milliseconds since 1970 (for time-based compaction).
    var timeMillis: Int64
}
