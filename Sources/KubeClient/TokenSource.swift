import Foundation
import Synchronization

/// The bearer token of a ``KubeConfig/Credentials``: fixed, or read from a file and re-read once
/// it is older than the refresh interval or after the server rejected it (token rotation).
final class TokenSource: Sendable {
    private struct Cached {
        var token: String
        var readAt: ContinuousClock.Instant
    }

    private let path: String?
    private let fixed: String?
    private let refreshInterval: Duration
    private let cache = Mutex<Cached?>(nil)

    init(credentials: KubeConfig.Credentials, refreshInterval: Duration) {
        switch credentials {
        case .token(let token):
            fixed = token
            path = nil
        case .tokenFile(let file):
            fixed = nil
            path = file
        case .none, .basic:
            fixed = nil
            path = nil
        }
        self.refreshInterval = refreshInterval
    }

    /// True when a rejected token may be fixed by reading the file again.
    var canRefresh: Bool { path != nil }

    /// The current token; `nil` when the credentials carry none.
    func token(forceReread: Bool = false) throws -> String? {
        if let fixed { return fixed }
        guard let path else { return nil }
        let now = ContinuousClock.now
        if !forceReread, let cached = cache.withLock({ $0 }), now - cached.readAt < refreshInterval {
            return cached.token
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("cannot read token file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        cache.withLock { $0 = Cached(token: token, readAt: now) }
        return token
    }
}
