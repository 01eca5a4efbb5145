import DatasetScan
import EdgeSync
import Foundation
import Logging

/// One look at one dataset, run on a ``ScanPool`` worker (it blocks: `lstat`, `open`, `read`,
/// `inotify_add_watch`): resolves the location, arms the watches, scans from the previous
/// result, and beats the heartbeat as it goes.
///
/// The watches are armed before the scan, so a change made after the scan always raises an
/// event. If the targets moved during the scan (a directory appeared or vanished), the new ones
/// are armed and the data scanned again, a bounded number of times.
struct DatasetLook: Sendable {
    struct Outcome: Sendable {
        var observation: DatasetObservation
        var scan: ScanResult?
        var path: String?
        /// inotify ran out of watches for the first time on this look (log it, once).
        var watchesExhaustedFirst = false
        var bytesScanned = 0
        var duration: Duration = .zero
    }

    /// Called on the worker just before each scan, with the host path: a test's stand-in for a
    /// hung mount blocks in it. Nil in production.
    typealias Hook = @Sendable (String) -> Void

    var key: SyncKey
    var dataUrl: String
    var format: String
    var previous: ScanResult?
    var locator: DataLocator
    var scanner: DatasetScanner
    var registry: WatchRegistry
    var logger: Logger
    var hook: Hook?

    func perform(_ heartbeat: ScanPool.Heartbeat) -> Outcome {
        let started = ContinuousClock.now
        var outcome: Outcome
        switch locator.resolve(dataUrl) {
        case .failure(let error):
            registry.arm(key, wanted: [:])
            outcome = Outcome(observation: .refused(error), scan: nil, path: nil)
        case .success(let location):
            let isDirectory = format == DatasetFormat.dir.rawValue
            var wanted = Self.watchTargets(for: location.hostPath, isDirectory: isDirectory)
            var scan = previous
            var observation: DatasetObservation
            var exhaustedFirst = false
            var bytes = 0
            var attempts = 0
            repeat {
                if registry.arm(key, wanted: wanted).firstExhaustion { exhaustedFirst = true }
                heartbeat.beat()
                hook?(location.hostPath)
                observation = self.scan(location.hostPath, from: &scan, heartbeat: heartbeat)
                if case .scanned(let result) = observation { bytes += result.bytesScanned }
                let now = Self.watchTargets(for: location.hostPath, isDirectory: isDirectory)
                if now == wanted { break }
                wanted = now
                attempts += 1
            } while attempts < 3
            outcome = Outcome(
                observation: observation, scan: scan, path: location.hostPath, watchesExhaustedFirst: exhaustedFirst,
                bytesScanned: bytes)
        }
        outcome.duration = ContinuousClock.now - started
        return outcome
    }

    /// Scans from `scan`, replacing it with the new result (nil when the data is gone). Beats
    /// on every buffer read; a long scan (a large dataset seen the first time) logs its progress.
    private func scan(_ path: String, from scan: inout ScanResult?, heartbeat: ScanPool.Heartbeat) -> DatasetObservation {
        var lastLogged = ContinuousClock.now
        let (logger, key) = (logger, key)
        let progress = ScanProgress(every: scanner.bufferSize) { scanned, total in
            heartbeat.beat()
            let now = ContinuousClock.now
            guard now - lastLogged >= .seconds(5) else { return }
            lastLogged = now
            logger.info("scanning dataset", metadata: [
                "dataset": "\(key)", "scanned": "\(scanned)", "total": "\(total)",
                "percent": "\(ScanProgress.percent(scanned, of: total))",
            ])
        }
        do throws(ScanError) {
            let format = try DatasetFormat.parse(format)
            let result = try scanner.scan(path: path, format: format, previous: scan, progress: progress)
            scan = result
            return .scanned(result)
        } catch {
            if case .notFound = error.kind { scan = nil }
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
}
