package import KubeClient

/// Where the dashboard listens, where the API server is, and its bounds.
///
/// The dashboard never uses credentials of its own against the API: ``apiServer`` says only where
/// the API is and how to trust it; credentials in it are dropped and every request carries the
/// viewer's token.
package struct DashboardConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    package static let defaultPort = 7080

    package var host = "127.0.0.1"
    /// 0 picks a free port (``onListening`` tells which).
    package var port = defaultPort
    /// The API server (waited for: `edgeai up` knows its port only once it listens).
    package var apiServer: @Sendable () async throws -> KubeConfig
    /// Set the session cookie's `Secure` attribute (when the dashboard is reached over TLS, e.g.
    /// behind a TLS-terminating proxy).
    package var secureCookies = false
    /// A token to mint one one-time login link for at start (`edgeai up`: the admin token).
    package var loginLinkToken: String?
    /// Called once the port is bound, with the login link minted for ``loginLinkToken``.
    package var onListening: @Sendable (_ port: Int, _ loginLink: String?) async -> Void = { _, _ in }

    package var maximumSessions = 256
    package var sessionIdleTimeout: Duration = .seconds(3600)
    package var sessionLifetime: Duration = .seconds(12 * 3600)
    package var maximumLoginCodes = 32
    package var loginCodeLifetime: Duration = .seconds(600)
    package var maximumStreamsPerSession = 6
    package var maximumStreams = 128
    /// Each live stream's watch is renewed this often (a gone client is noticed by then).
    package var streamRenewal: Duration = .seconds(15)
    /// Login attempts (form, link and code requests together) per second, and burst.
    package var loginsPerSecond: Double = 5
    package var loginBurst = 20

    package init(apiServer: @escaping @Sendable () async throws -> KubeConfig) {
        self.apiServer = apiServer
    }

    /// Names the address only: ``loginLinkToken`` is a credential.
    package var description: String { "DashboardConfiguration(host: \(host), port: \(port))" }
    package var debugDescription: String { description }

    /// The URL the dashboard is reached at, for printed links.
    package func baseURL(port: Int) -> String {
        let shown = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        return "http://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
    }
}
