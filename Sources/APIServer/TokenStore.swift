import EdgeAIPKI
import Foundation
import Synchronization

/// The bearer tokens in force: the credentials' tokens, re-read from `tokens.csv` when an
/// unknown token is presented and the file changed since the last read (so tokens added for
/// new identities work without a restart).
final class TokenStore: Sendable {
    private struct State {
        var authenticator: TokenAuthenticator
        var modified: Date?
    }

    private let path: String
    private let state: Mutex<State>

    init(authenticator: TokenAuthenticator, path: String) {
        self.path = path
        state = Mutex(State(authenticator: authenticator, modified: Self.modificationDate(path)))
    }

    func authenticate(authorizationHeader value: String) -> UserInfo? {
        if let user = state.withLock({ $0.authenticator.authenticate(authorizationHeader: value) }) { return user }
        let modified = Self.modificationDate(path)
        let changed = state.withLock { $0.modified != modified }
        guard changed, let text = try? String(contentsOfFile: path, encoding: .utf8),
              let reloaded = try? TokenAuthenticator(tokenFile: text)
        else { return nil }
        state.withLock {
            $0.authenticator = reloaded
            $0.modified = modified
        }
        return reloaded.authenticate(authorizationHeader: value)
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
