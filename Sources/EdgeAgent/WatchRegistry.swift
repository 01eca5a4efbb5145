#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EdgeSync
import Synchronization

/// Which datasets care about which inotify watch, safe to use from the scan workers.
///
/// `inotify_add_watch` resolves a path (it may block on a hung mount), so it runs on the
/// worker that looks at the dataset, outside the lock; the bookkeeping is under the lock.
/// The kernel hands out the same watch descriptor for the same directory, so a descriptor
/// removed (its last dataset gone) while another worker was adding the same directory may come
/// back stale: ``arm(_:wanted:)`` notices a removal in between and adds again.
/// Invariant: a kernel watch is removed only when no dataset is registered on it.
final class WatchRegistry: Sendable {
    private struct State {
        /// Watch descriptor → the datasets registered on it and the entry name each cares about.
        var registrations: [Int32: [SyncKey: String?]] = [:]
        /// Dataset → its watches.
        var watches: [SyncKey: [Int32: String?]] = [:]
        /// Kernel watches removed so far (to detect a removal racing an add).
        var removals = 0
        var exhaustionLogged = false
        var unwatched: Set<SyncKey> = []
    }

    private let watcher: FileWatcher
    private let state = Mutex(State())

    init(watcher: FileWatcher) { self.watcher = watcher }

    /// What happened when arming: whether inotify ran out of watches (the first time, so it
    /// is logged once).
    struct Armed {
        var exhausted: Bool
        var firstExhaustion: Bool
    }

    /// Registers `key` on the watches of `wanted` (directory → the entry name that matters, nil:
    /// any) and releases its other watches. Blocking: call it on a worker.
    @discardableResult
    func arm(_ key: SyncKey, wanted: [String: String?]) -> Armed {
        var exhausted = false
        for attempt in 0..<3 {
            let epoch = state.withLock { $0.removals }
            var added: [Int32: String?] = [:]
            exhausted = false
            for (path, name) in wanted {
                let (watch, error) = watcher.addReportingError(path)
                if let watch { added[watch] = name } else if error == ENOSPC { exhausted = true }
            }
            let stale = state.withLock { state -> Bool in
                if attempt < 2, state.removals != epoch, added.keys.contains(where: { state.registrations[$0] == nil }) { return true }
                for (watch, name) in added { state.registrations[watch, default: [:]][key] = name }
                for old in (state.watches[key] ?? [:]).keys where added[old] == nil { unregister(key, from: old, &state) }
                state.watches[key] = added.isEmpty ? nil : added
                return false
            }
            if !stale { break }
        }
        return state.withLock { state in
            if exhausted { state.unwatched.insert(key) } else { state.unwatched.remove(key) }
            let first = exhausted && !state.exhaustionLogged
            if first { state.exhaustionLogged = true }
            return Armed(exhausted: exhausted, firstExhaustion: first)
        }
    }

    /// Releases every watch of `key`.
    func release(_ key: SyncKey) {
        state.withLock { state in
            for watch in (state.watches[key] ?? [:]).keys { unregister(key, from: watch, &state) }
            state.watches[key] = nil
            state.unwatched.remove(key)
        }
    }

    /// The datasets an event concerns (all of them when the kernel dropped events). Forgets a
    /// watch the kernel reports gone.
    func datasets(for batch: [FileEvent], all: Set<SyncKey>) -> Set<SyncKey> {
        state.withLock { state in
            var dirty: Set<SyncKey> = []
            for event in batch {
                if event.isOverflow {
                    dirty.formUnion(all)
                    continue
                }
                guard let registered = state.registrations[event.watch] else { continue }
                for (key, name) in registered where event.name.isEmpty || name == nil || name == event.name {
                    dirty.insert(key)
                }
                if event.isIgnored {
                    state.registrations[event.watch] = nil
                    for key in registered.keys { state.watches[key]?[event.watch] = nil }
                }
            }
            return dirty
        }
    }

    /// Distinct kernel watches held.
    var count: Int { state.withLock { $0.registrations.count } }
    /// Datasets left without some watch because inotify ran out of watches.
    var unwatchedCount: Int { state.withLock { $0.unwatched.count } }

    private func unregister(_ key: SyncKey, from watch: Int32, _ state: inout State) {
        state.registrations[watch]?[key] = nil
        if state.registrations[watch]?.isEmpty == true {
            state.registrations[watch] = nil
            state.removals += 1
            watcher.remove(watch)
        }
    }
}
