/// Why an ``ObjectStore`` operation failed: a struct over a private enum, so a new reason is not
/// a breaking change. Match on ``code``; ``key`` and ``compaction`` carry the details.
package struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case notFound, alreadyExists, conflict, compacted, tooLarge, invalidKey, closed, storage
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No live object has this key.
        package static let notFound = Code(.notFound)
        /// `create` found a live object with this key.
        package static let alreadyExists = Code(.alreadyExists)
        /// The caller's `expectedRevision` differs from the object's current revision.
        package static let conflict = Code(.conflict)
        /// A watch asked for events from before the oldest retained revision: re-list, watch again.
        package static let compacted = Code(.compacted)
        /// The value is larger than the store's limit.
        package static let tooLarge = Code(.tooLarge)
        /// The key is not acceptable (empty resource or name).
        package static let invalidKey = Code(.invalidKey)
        /// The store was closed.
        package static let closed = Code(.closed)
        /// SQLite failed; the write was not committed.
        package static let storage = Code(.storage)

        package var description: String { value.rawValue }
    }

    private enum Reason: Hashable, Sendable {
        case notFound(ObjectKey)
        case alreadyExists(ObjectKey)
        case conflict(ObjectKey, expected: Int64, actual: Int64)
        case compacted(requested: Int64, oldestAvailable: Int64)
        case tooLarge(ObjectKey, size: Int, limit: Int)
        case invalidKey(ObjectKey, reason: String)
        case closed
        case storage(String)
    }

    private let reason: Reason

    private init(_ reason: Reason) { self.reason = reason }

    package static func notFound(_ key: ObjectKey) -> StoreError { StoreError(.notFound(key)) }
    package static func alreadyExists(_ key: ObjectKey) -> StoreError { StoreError(.alreadyExists(key)) }
    package static func conflict(_ key: ObjectKey, expected: Int64, actual: Int64) -> StoreError {
        StoreError(.conflict(key, expected: expected, actual: actual))
    }
    /// Watches may start at `after >= oldestAvailable` only.
    package static func compacted(requested: Int64, oldestAvailable: Int64) -> StoreError {
        StoreError(.compacted(requested: requested, oldestAvailable: oldestAvailable))
    }
    package static func tooLarge(_ key: ObjectKey, size: Int, limit: Int) -> StoreError { StoreError(.tooLarge(key, size: size, limit: limit)) }
    package static func invalidKey(_ key: ObjectKey, reason: String) -> StoreError { StoreError(.invalidKey(key, reason: reason)) }
    package static let closed = StoreError(.closed)
    package static func storage(_ message: String) -> StoreError { StoreError(.storage(message)) }

    package var code: Code {
        switch reason {
        case .notFound: .notFound
        case .alreadyExists: .alreadyExists
        case .conflict: .conflict
        case .compacted: .compacted
        case .tooLarge: .tooLarge
        case .invalidKey: .invalidKey
        case .closed: .closed
        case .storage: .storage
        }
    }

    /// The object the failure is about, if it is about one.
    package var key: ObjectKey? {
        switch reason {
        case .notFound(let key), .alreadyExists(let key), .conflict(let key, _, _), .tooLarge(let key, _, _), .invalidKey(let key, _): key
        case .compacted, .closed, .storage: nil
        }
    }

    /// For ``Code/compacted``: the revision asked for and the oldest one still available.
    package var compaction: (requested: Int64, oldestAvailable: Int64)? {
        guard case .compacted(let requested, let oldest) = reason else { return nil }
        return (requested, oldest)
    }

    package var description: String {
        switch reason {
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
