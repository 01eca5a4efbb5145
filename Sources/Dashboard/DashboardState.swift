import KubeClient
import EdgeAICore

/// The dashboard's shared state: sessions, one-time codes, live-stream slots, the login rate
/// limit. Each dropped session's client is shut down here.
actor DashboardState {
    private var sessions: SessionTable<Viewer, ContinuousClock.Instant>
    private var codes: LoginCodes<ContinuousClock.Instant>
    private var logins: TokenBucket<ContinuousClock.Instant>
    private var streams: [String: Int] = [:]
    private var totalStreams = 0
    private let streamsPerSession: Int
    private let maximumStreams: Int
    private let clock = ContinuousClock()

    init(configuration: DashboardConfiguration) {
        sessions = SessionTable(
            capacity: configuration.maximumSessions, idleTimeout: configuration.sessionIdleTimeout,
            absoluteTimeout: configuration.sessionLifetime)
        codes = LoginCodes(capacity: configuration.maximumLoginCodes, lifetime: configuration.loginCodeLifetime)
        logins = TokenBucket(ratePerSecond: configuration.loginsPerSecond, burst: configuration.loginBurst)
        streamsPerSession = configuration.maximumStreamsPerSession
        maximumStreams = configuration.maximumStreams
    }

    func allowLoginAttempt() -> Bool { logins.tryTake(now: clock.now) }

    func startSession(_ viewer: Viewer) async -> String {
        if stopping {
            await shutDown([viewer])
            return SecretID.make()  // names no session
        }
        let (id, dropped) = sessions.insert(viewer, now: clock.now)
        await shutDown(dropped)
        return id
    }

    func viewer(session id: String) async -> Viewer? {
        let (viewer, expired) = sessions.lookup(id, now: clock.now)
        if let expired { await shutDown([expired]) }
        return viewer
    }

    func endSession(_ id: String) async {
        if let viewer = sessions.remove(id) { await shutDown([viewer]) }
    }

    var sessionCount: Int { sessions.count }

    func mintCode(token: String) -> String? { codes.mint(token: token, now: clock.now) }

    func redeem(code: String) -> String? { codes.redeem(code, now: clock.now) }

    /// A live-stream slot for the session, or `false` when it (or the process) has its maximum.
    func acquireStream(session id: String) -> Bool {
        let current = streams[id, default: 0]
        guard current < streamsPerSession, totalStreams < maximumStreams else { return false }
        streams[id] = current + 1
        totalStreams += 1
        return true
    }

    func releaseStream(session id: String) {
        guard let current = streams[id] else { return }
        streams[id] = current > 1 ? current - 1 : nil
        totalStreams -= 1
    }

    var openStreams: Int { totalStreams }

    /// Set once the dashboard stops: no new sessions, live streams end.
    private(set) var stopping = false

    func shutDownAll() async {
        stopping = true
        await shutDown(sessions.removeAll())
    }

    private func shutDown(_ viewers: [Viewer]) async {
        for viewer in viewers { try? await viewer.client.shutdown() }
    }
}

/// Holds one live-stream slot; gives it back when the stream's response is done with it.
final class StreamSlot: Sendable {
    let state: DashboardState
    let session: String

    init(state: DashboardState, session: String) {
        self.state = state
        self.session = session
    }

    deinit {
        let state = state
        let session = session
        Task { await state.releaseStream(session: session) }
    }
}
