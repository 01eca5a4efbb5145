import Foundation
package import NIOPosix

/// The model cache on disk: `<root>/versions/<id>/<file>` per version and `<root>/index.json`
/// (``ModelCacheIndex``, written atomically). An actor for the index; every file-system call
/// runs on a `NIOThreadPool`, never on the actor's executor thread.
///
/// Flow: ``destination(for:fileName:)`` gives the path a ``Downloader`` writes to (beside any
/// older version); ``commit(model:key:size:)`` records it, switches the model to it in one
/// index write and evicts least-recently-used versions beyond ``limitBytes``.
package actor ModelCache {
    package nonisolated let root: String
    package let limitBytes: Int64
    private var index: ModelCacheIndex
    private let pool: NIOThreadPool

    /// Opens (or creates) the cache at `root`; an unreadable index starts empty.
    package init(root: String, limitBytes: Int64, threadPool: NIOThreadPool = .singleton) async throws {
        self.root = root
        self.limitBytes = limitBytes
        self.pool = threadPool
        let indexPath = root + "/index.json"
        index = try await threadPool.runIfActive {
            try FileManager.default.createDirectory(atPath: root + "/versions", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            guard let data = FileManager.default.contents(atPath: indexPath) else { return ModelCacheIndex() }
            return (try? JSONDecoder().decode(ModelCacheIndex.self, from: data)) ?? ModelCacheIndex()
        }
    }

    /// The file a version is downloaded to (its directory is created).
    package func destination(for key: ModelCacheIndex.Key, fileName: String) async throws -> String {
        let directory = "\(root)/versions/\(key.id)"
        let name = Self.safeFileName(fileName)
        try await pool.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        return "\(directory)/\(name)"
    }

    /// Records a downloaded version, switches `model` to it and evicts beyond the limit.
    /// Returns the ids evicted.
    @discardableResult
    package func commit(model: String, key: ModelCacheIndex.Key, size: Int64, digest: String? = nil) async throws -> [String] {
        var next = index
        next.add(key, size: size, digest: digest ?? index.entries[key.id]?.digest)
        next.switchModel(model, to: key.id)
        let evicted = next.evictionPlan(limit: limitBytes)
        next.remove(evicted)
        try await persist(next)
        index = next
        let root = self.root
        try await pool.runIfActive {
            for id in evicted { try? FileManager.default.removeItem(atPath: "\(root)/versions/\(id)") }
        }
        return evicted
    }

    /// A version already downloaded (its file is there, at the recorded size): path, size, digest.
    package func cached(key: ModelCacheIndex.Key, fileName: String) async throws -> (path: String, size: Int64, digest: String?)? {
        guard let entry = index.entries[key.id] else { return nil }
        let path = "\(root)/versions/\(key.id)/\(Self.safeFileName(fileName))"
        let size = try await pool.runIfActive { FileOps.size(path) }
        guard size == entry.size else { return nil }
        return (path, entry.size, entry.digest)
    }

    /// Forgets `model` (deleted from the node): its version stays cached but becomes evictable.
    package func forget(model: String) async throws {
        guard index.current[model] != nil else { return }
        var next = index
        next.removeModel(model)
        try await persist(next)
        index = next
    }

    /// The current version's directory for `model`, marking it used.
    package func currentDirectory(model: String) -> String? {
        guard let id = index.current[model] else { return nil }
        index.touch(id)
        return "\(root)/versions/\(id)"
    }

    package var snapshot: ModelCacheIndex { index }

    private func persist(_ next: ModelCacheIndex) async throws {
        let bytes = Array(try JSONEncoder().encode(next))
        let path = root + "/index.json"
        try await pool.runIfActive { try FileOps.writeSmallAtomically(path, bytes) }
    }

    /// The last path component of a URL, reduced to `[A-Za-z0-9._-]` (at most 128), `model`
    /// when nothing is left.
    static func safeFileName(_ name: String) -> String {
        let last = name.split(separator: "?").first.map(String.init)?.split(separator: "/").last.map(String.init) ?? ""
        let kept = String(last.unicodeScalars.filter {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || "._-".unicodeScalars.contains($0)
        }.prefix(128).map(Character.init))
        return kept.isEmpty || kept.allSatisfy({ $0 == "." }) ? "model" : kept
    }
}
