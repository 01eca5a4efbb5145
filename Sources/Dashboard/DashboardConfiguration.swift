public import KubeClient

/// Where the dashboard listens, where the API server is, and its bounds.
///
/// The dashboard never uses credentials of its own against the API: ``apiServer`` says only where
/// the API is and how to trust it; credentials in it are dropped and every request carries the
/// viewer's token.
public struct DashboardConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let defaultPort = 7080

    public var host = "127.0.0.1"
    /// 0 picks a free port (``onListening`` tells which).
    public var port = defaultPort
    /// The API server (waited for: `edgeai up` knows its port only once it listens).
    public var apiServer: @Sendable () async throws -> KubeConfig
    /// Set the session cookie's `Secure` attribute (when the dashboard is reached over TLS, e.g.
    /// behind a TLS-terminating proxy).
    public var secureCookies = false
    /// A token to mint one one-time login link for at start (`edgeai up`: the admin token).
    public var loginLinkToken: String?
    /// Called once the port is bound, with the login link minted for ``loginLinkToken``.
    public var onListening: @Sendable (_ port: Int, _ loginLink: String?) async -> Void = { _, _ in }

    public var maximumSessions = 256
    public var sessionIdleTimeout: Duration = .seconds(3600)
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    public var maximumLoginCodes = 32
    public var loginCodeLifetime: Duration = .seconds(600)
    public var maximumStreamsPerSession = 6
    public var maximumStreams = 128
    /// Each live stream's watch is renewed this often (a gone client is noticed by then).
    public var streamRenewal: Duration = .seconds(15)
    /// Login attempts (form, link and code requests together) per second, and burst.
    public var loginsPerSecond: Double = 5
    public var loginBurst = 20

    public init(apiServer: @escaping @Sendable () async throws -> KubeConfig) {
        self.apiServer = apiServer
    }

    /// Names the address only: ``loginLinkToken`` is a credential.
    public var description: String { "DashboardConfiguration(host: \(host), port: \(port))" }
    public var debugDescription: String { description }

    /// The URL the dashboard is reached at, for printed links.
    public func baseURL(port: Int) -> String {
        let shown = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        return "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
    }
}
