import Dispatch
package import Foundation

/// Notices when credential files change, by content: a Kubernetes Secret volume swaps its
/// `..data` symlink, an operator `mv`s a new token into place, an editor rewrites in place — all
/// change what a read returns. Polls every ``interval``; each read runs on a GCD thread, never
/// on the cooperative pool. Contents stay in memory only, never logged.
package struct CredentialWatch: Sendable {
    /// The files; a missing or unreadable one reads as `nil` (a change like any other).
    package let paths: [String]
    package var interval: Duration = .seconds(2)
    /// Files larger than this read as `nil` (credentials are a few kilobytes).
    static let maxFileBytes = 1 << 20

    package init(paths: [String], interval: Duration = .seconds(2)) {
        self.paths = paths
        self.interval = interval
    }

    package struct Snapshot: Equatable, Sendable {
        package var contents: [String: Data?]

        /// The paths whose content differs from `other`.
        package func changed(from other: Snapshot) -> [String] {
            contents.keys.sorted().filter { contents[$0] != other.contents[$0] }
        }
    }

    /// The files' current contents.
    package func snapshot() async -> Snapshot {
        let paths = self.paths
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                var contents: [String: Data?] = [:]
                for path in paths {
                    let url = URL(fileURLWithPath: path)
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    contents.updateValue(size > Self.maxFileBytes ? nil : try? Data(contentsOf: url), forKey: path)
                }
                continuation.resume(returning: Snapshot(contents: contents))
            }
        }
    }

    /// Why ``wait(from:until:)`` returned.
    package enum Change: Sendable, Equatable {
        case files([String])
        case deadline
    }

    /// Returns once some file differs from `baseline`, or at `deadline`; throws on cancellation.
    package func wait(from baseline: Snapshot, until deadline: ContinuousClock.Instant? = nil) async throws -> Change {
        while true {
            var pause = interval
            if let deadline {
                let left = deadline - .now
                if left <= .zero { return .deadline }
                pause = min(pause, left)
            }
            try await Task.sleep(for: pause)
            let changed = await snapshot().changed(from: baseline)
            if !changed.isEmpty { return .files(changed) }
        }
    }
}
