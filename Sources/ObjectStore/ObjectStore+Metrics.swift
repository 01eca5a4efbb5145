import Synchronization

extension ObjectStore {
    /// Calls `observer` after each commit with its duration (the SQLite transaction including
    /// its fsync) and the rows it wrote. Keep it cheap: it runs inside the serialized writer.
    package func observeCommits(_ observer: (@Sendable (Duration, Int) -> Void)?) {
        writer.observeCommits(observer)
    }

    /// Live objects per store resource (e.g. `edgeai.io/datasets`).
    package var objectCounts: [String: Int] { writer.committed.withLock { $0.index.countsByResource } }

    /// Bytes the database and its WAL hold on disk now (read off the actor, on SQLite's queue).
    package nonisolated func storageSize() async throws -> StorageSize {
        do {
            return try await log.storageSize()
        } catch {
            throw StoreError.storage("reading the storage size: \(error)")
        }
    }
}
