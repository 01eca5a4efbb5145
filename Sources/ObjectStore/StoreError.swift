/// Errors the store reports. Each case names the key or revision involved.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No live object has this key.
    case notFound(ObjectKey)
    /// `create` found a live object with this key.
    case alreadyExists(ObjectKey)
    /// The caller's `expectedRevision` differs from the object's current revision.
    case conflict(ObjectKey, expected: Int64, actual: Int64)
    /// A watch asked for events after `requested`, but history before `oldestAvailable` was
    /// compacted: watches may start at `after >= oldestAvailable` only. Re-list and watch again.
    case compacted(requested: Int64, oldestAvailable: Int64)
    /// The value has `size` bytes, more than the store's `limit`.
    case tooLarge(ObjectKey, size: Int, limit: Int)
    /// The key is not acceptable (empty resource or name).
    case invalidKey(ObjectKey, reason: String)
    /// The store was closed.
    case closed
    /// SQLite failed; the write was not committed.
    case storage(String)

    public var description: String {
        switch self {
        case .notFound(let key): "\(key) not found"
        case .alreadyExists(let key): "\(key) already exists"
        case .conflict(let key, let expected, let actual):
            "\(key): expected revision \(expected), current revision is \(actual)"
        case .compacted(let requested, let oldest):
            "revision \(requested) is compacted; watch from revision \(oldest) or later"
        case .tooLarge(let key, let size, let limit):
            "\(key): value of \(size) bytes exceeds the limit of \(limit) bytes"
        case .invalidKey(let key, let reason): "invalid key \(key): \(reason)"
        case .closed: "object store is closed"
        case .storage(let message): "storage error: \(message)"
        }
    }
}
