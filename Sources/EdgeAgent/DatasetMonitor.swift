public import DatasetScan
public import EdgeSync
import Foundation
public import Logging

/// Watches the data of the datasets this node holds and counts their samples.
///
/// Each tracked dataset is looked at when it is tracked, whenever inotify reports a change in
/// its file's directory (writes, renames in or out, replacement, deletion, recreation; for the
/// `dir` format, inside the directory itself), and every ``rescanInterval`` as a safety net.
/// Each look resolves the location again (``DataLocator``: a refused path is never opened),
/// scans incrementally from the previous result when the file only grew, re-arms the watches
/// (the parent directory, or the nearest existing ancestor while it is missing) and hands the
/// observation to the sink. It does not decide what to report; the sink does.
/// ``forget(_:)`` releases the dataset's watches (the kernel's, when no other dataset shares them).
public actor DatasetMonitor {
    /// One look at a dataset: what was seen, the scan to continue from, and the host path
    /// looked at (nil when the location was refused).
    public struct Look: Sendable, Equatable {
        public var ref: ObjectRef
        public var observation: DatasetObservation
        public var scan: ScanResult?
        public var path: String?
    }
    public typealias Sink = @Sendable (Look) async -> Void

    struct Tracked {
        var ref: ObjectRef
        var dataUrl: String
        var format: String
        var scan: ScanResult?
        /// Watch descriptor → the entry name that matters in it (nil: any).
        var watches: [Int32: String?] = [:]
    }

    public let locator: DataLocator
    public let rescanInterval: Duration
    private let scanner: DatasetScanner
    private let logger: Logger
    private var sink: Sink?
    private let watcher = FileWatcher()
    private var tracked: [SyncKey: Tracked] = [:]
    /// Watch descriptor → the datasets registered on it and the entry name each cares about.
    private var registrations: [Int32: [SyncKey: String?]] = [:]

    public init(
        locator: DataLocator, rescanInterval: Duration = .seconds(30),
        scanner: DatasetScanner = DatasetScanner(options: .init(followSymlinks: false)),
        logger: Logger = Logger(label: "edgeai.edge"), sink: Sink? = nil
    ) {
        self.locator = locator
        self.rescanInterval = rescanInterval
        self.scanner = scanner
        self.logger = logger
        self.sink = sink
    }

    /// Sets where looks go (before tracking anything; looks without a sink are dropped).
    public func setSink(_ sink: @escaping Sink) { self.sink = sink }

    /// Starts (or reconfigures) monitoring of a dataset and looks at it now. `previous` is the
    /// last scan persisted for it, so a restart rescans incrementally.
    public func track(_ ref: ObjectRef, dataUrl: String, format: String, previous: ScanResult?) async {
        var entry = tracked[ref.key] ?? Tracked(ref: ref, dataUrl: dataUrl, format: format, scan: previous)
        if entry.ref.uid != ref.uid || entry.dataUrl != dataUrl || entry.format != format {
            // Another object or another location: the previous count says nothing about it.
            entry.scan = entry.ref.uid == ref.uid ? nil : previous
        }
        entry.ref = ref
        entry.dataUrl = dataUrl
        entry.format = format
        tracked[ref.key] = entry
        await look(at: ref.key)
    }

    /// Stops monitoring a dataset and releases its watches.
    public func forget(_ key: SyncKey) {
        guard let entry = tracked.removeValue(forKey: key) else { return }
        for watch in entry.watches.keys { unregister(key, from: watch) }
    }

    /// The datasets being monitored.
    public var trackedKeys: [SyncKey] { tracked.keys.sorted() }
    /// The watches this monitor holds (each directory counted once).
    public var watchCount: Int { registrations.count }
    /// The watches the kernel holds for the monitor's inotify descriptor; nil where unknown.
    public nonisolated func kernelWatchCount() -> Int? { watcher.kernelWatchCount() }

    /// Looks at every tracked dataset now.
    public func rescanAll() async {
        for key in tracked.keys.sorted() { await look(at: key) }
    }

    /// Reads inotify events and rescans periodically until cancelled; then releases inotify.
    public func run() async {
        watcher.start()
        let events = watcher.events
        let interval = rescanInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [weak self] in
                for await batch in events {
                    await self?.handle(batch)
                }
            }
            group.addTask { [weak self] in
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    await self?.rescanAll()
                }
            }
            await withTaskCancellationHandler {
                _ = await group.next()
            } onCancel: { [watcher] in
                watcher.stop()
            }
            group.cancelAll()
        }
        watcher.stop()
    }

    func handle(_ batch: [FileEvent]) async {
        var dirty: Set<SyncKey> = []
        for event in batch {
            if event.isOverflow {
                dirty.formUnion(tracked.keys)
                continue
            }
            guard let registered = registrations[event.watch] else { continue }
            for (key, name) in registered where event.name.isEmpty || name == nil || name == event.name {
                dirty.insert(key)
            }
            if event.isIgnored {
                registrations[event.watch] = nil
                for key in registered.keys { tracked[key]?.watches[event.watch] = nil }
            }
        }
        for key in dirty.sorted() { await look(at: key) }
    }

    /// Resolves, arms the watches, scans and reports one dataset.
    ///
    /// The watches are armed before the scan, so a change made after the scan always raises an
    /// event. If the targets moved during the scan (a directory appeared or vanished), the new
    /// ones are armed and the data scanned again, a bounded number of times.
    private func look(at key: SyncKey) async {
        guard var entry = tracked[key] else { return }
        var observation: DatasetObservation
        var path: String?
        switch locator.resolve(entry.dataUrl) {
        case .failure(let error):
            rearm(&entry, wanted: [:])
            observation = .refused(error)
            entry.scan = nil
        case .success(let location):
            path = location.hostPath
            let isDirectory = entry.format == DatasetFormat.dir.rawValue
            var wanted = Self.watchTargets(for: location.hostPath, isDirectory: isDirectory)
            var attempts = 0
            repeat {
                rearm(&entry, wanted: wanted)
                observation = scan(&entry, at: location.hostPath)
                let now = Self.watchTargets(for: location.hostPath, isDirectory: isDirectory)
                if now == wanted { break }
                wanted = now
                attempts += 1
            } while attempts < 3
        }
        tracked[key] = entry
        await sink?(Look(ref: entry.ref, observation: observation, scan: entry.scan, path: path))
    }

    /// Scans one dataset from its previous result, keeping the new result in `entry`. A scan
    /// that takes long (a large dataset seen for the first time) logs its progress.
    private func scan(_ entry: inout Tracked, at path: String) -> DatasetObservation {
        var lastLogged = ContinuousClock.now
        let (logger, key) = (logger, entry.ref.key)
        let progress = ScanProgress { scanned, total in
            let now = ContinuousClock.now
            guard now - lastLogged >= .seconds(5) else { return }
            lastLogged = now
            logger.info("scanning dataset", metadata: [
                "dataset": "\(key)", "scanned": "\(scanned)", "total": "\(total)",
                "percent": "\(ScanProgress.percent(scanned, of: total))",
            ])
        }
        do throws(ScanError) {
            let format = try DatasetFormat.parse(entry.format)
            let result = try scanner.scan(path: path, format: format, previous: entry.scan, progress: progress)
            entry.scan = result
            return .scanned(result)
        } catch {
            if case .notFound = error.kind { entry.scan = nil }
            var error = error
            error.path = locator.nodePath(ofHost: error.path)  // name the node path the user wrote
            return .failed(error)
        }
    }

    /// The directories to watch for a data path: its parent (caring about its name) and, for a
    /// directory dataset, itself; the nearest existing ancestor stands in for a missing one.
    static func watchTargets(for path: String, isDirectory: Bool) -> [String: String?] {
        var targets: [String: String?] = [:]
        let url = URL(fileURLWithPath: path)
        var child = url.lastPathComponent
        var directory = url.deletingLastPathComponent().path
        while !isExistingDirectory(directory), directory != "/" {
            child = URL(fileURLWithPath: directory).lastPathComponent
            directory = URL(fileURLWithPath: directory).deletingLastPathComponent().path
        }
        targets[directory] = .some(child)
        if isDirectory, isExistingDirectory(path) { targets[path] = .some(nil) }
        return targets
    }

    private static func isExistingDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private func rearm(_ entry: inout Tracked, wanted: [String: String?]) {
        var watches: [Int32: String?] = [:]
        for (path, name) in wanted {
            guard let watch = watcher.add(path) else { continue }
            watches[watch] = name
            registrations[watch, default: [:]][entry.ref.key] = name
        }
        for old in entry.watches.keys where watches[old] == nil {
            unregister(entry.ref.key, from: old)
        }
        entry.watches = watches
    }

    private func unregister(_ key: SyncKey, from watch: Int32) {
        registrations[watch]?[key] = nil
        if registrations[watch]?.isEmpty == true {
            registrations[watch] = nil
            watcher.remove(watch)
        }
    }
}
