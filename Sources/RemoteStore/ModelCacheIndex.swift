import Crypto

/// The model cache's bookkeeping, pure: versions keyed by (URL, digest), which version each
/// model currently uses, least-recently-used order, and what to evict to fit a size.
///
/// Invariants: a version that is current for some model is never evicted (even if that leaves
/// the cache above its limit); a new version is added *beside* the old one and becomes current
/// only by ``switchModel(_:to:)``, one assignment, so readers see the old or the new, never a mix.
package struct ModelCacheIndex: Sendable, Equatable, Codable {
    /// A version's identity: a changed URL or digest is a new version; so is a changed object
    /// under the same URL when its `version` (ETag, or Last-Modified) is part of the key.
    package struct Key: Sendable, Hashable, Codable {
        package var url: String
        package var digest: String?
        package var version: String?
        package init(url: String, digest: String? = nil, version: String? = nil) {
            self.url = url
            self.digest = digest
            self.version = version
        }
        /// A stable directory name: 32 hex of SHA-256 over URL, digest and version.
        package var id: String {
            let text = "\(url)\n\(digest ?? "")" + (version.map { "\n" + $0 } ?? "")
            return String(SigV4Signer.hex(SHA256.hash(data: Array(text.utf8))).prefix(32))
        }
    }

    package struct Entry: Sendable, Equatable, Codable {
        package var key: Key
        package var size: Int64
        /// The file's digest (`sha256:…`) when recorded.
        package var digest: String?
        /// Logical time of the last use (a counter, not a clock: tests and restarts agree).
        package var lastUsed: Int64
    }

    package private(set) var entries: [String: Entry] = [:]
    /// Model name (e.g. `namespace/name`) → current version id.
    package private(set) var current: [String: String] = [:]
    private var tick: Int64 = 0

    package init() {}

    package var totalBytes: Int64 { entries.values.reduce(0) { $0 + $1.size } }

    /// Records a downloaded version (not current for anyone yet). Returns its id.
    @discardableResult
    package mutating func add(_ key: Key, size: Int64, digest: String? = nil) -> String {
        tick += 1
        entries[key.id] = Entry(key: key, size: size, digest: digest, lastUsed: tick)
        return key.id
    }

    /// Makes `id` the version `model` uses; returns the version it used before, which stays
    /// cached (jobs may still hold it) until evicted.
    /// - Precondition: `id` is in ``entries``.
    @discardableResult
    package mutating func switchModel(_ model: String, to id: String) -> String? {
        precondition(entries[id] != nil, "switch to a version not in the cache")
        touch(id)
        let previous = current[model]
        current[model] = id
        return previous == id ? nil : previous
    }

    /// Forgets a model (it was deleted): its version becomes evictable.
    package mutating func removeModel(_ model: String) {
        current[model] = nil
    }

    /// Marks a version used now.
    package mutating func touch(_ id: String) {
        guard entries[id] != nil else { return }
        tick += 1
        entries[id]?.lastUsed = tick
    }

    /// The ids to evict, least recently used first, until the total fits `limit`; versions
    /// current for a model are never chosen.
    package func evictionPlan(limit: Int64) -> [String] {
        var total = totalBytes
        guard total > limit else { return [] }
        let pinned = Set(current.values)
        var plan: [String] = []
        for (id, entry) in entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) where !pinned.contains(id) {
            guard total > limit else { break }
            plan.append(id)
            total -= entry.size
        }
        return plan
    }

    /// Drops versions (after their files were deleted). Current versions are kept.
    package mutating func remove(_ ids: [String]) {
        let pinned = Set(current.values)
        for id in ids where !pinned.contains(id) { entries[id] = nil }
    }
}
