import Hummingbird
import KubeClient
package import Logging
import ServiceLifecycle

/// The web dashboard under `/ui/`: a Hummingbird server whose every API request is made with the
/// signed-in viewer's own token (see ``Viewer``), so the API server's authorization applies.
///
/// Nothing but the login page and the static assets is served without a session; a session is a
/// random 256-bit id in an `HttpOnly`, `SameSite=Strict` cookie naming a server-side entry that
/// holds the viewer's client (the token itself never reaches a page, URL, log line or error).
package struct Dashboard: Service, CustomStringConvertible, CustomDebugStringConvertible {
    let configuration: DashboardConfiguration
    let logger: Logger
    let state: DashboardState

    package init(configuration: DashboardConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = DashboardState(configuration: configuration)
    }

    /// Where it listens, never its configuration's token (a ServiceGroup prints a failed service).
    package var description: String { "Dashboard(\(configuration))" }
    package var debugDescription: String { description }

    package func run() async throws {
        let configuration = self.configuration
        let state = self.state
        let logger = self.logger
        let routes = DashboardRoutes(configuration: configuration, state: state, logger: logger)
        let app = Application(
            router: routes.router(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                var link: String?
                if let token = configuration.loginLinkToken, let code = await state.mintCode(token: token) {
                    link = configuration.baseURL(port: port) + "/ui/login?code=" + code
                }
                logger.info("dashboard listening", metadata: ["url": "\(configuration.baseURL(port: port))/ui/"])
                await configuration.onListening(port, link)
            },
            logger: logger)
        // On graceful shutdown every session's client is shut down first: the live streams' watches
        // end at once (instead of at their next renewal) and the server's open requests with them.
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await app.run()
                    return true
                }
                group.addTask {
                    try? await gracefulShutdown()
                    await state.shutDownAll()
                    return false
                }
                while let appEnded = try await group.next() {
                    if appEnded { group.cancelAll() }
                }
            }
        } catch {
            await state.shutDownAll()
            throw error
        }
        await state.shutDownAll()
    }
}
