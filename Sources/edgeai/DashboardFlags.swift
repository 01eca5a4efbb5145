import ArgumentParser
import Dashboard

/// The dashboard's flags on `edgeai up`, `server` and `cloud`: where `/ui/` is served. It is
/// plain HTTP on loopback by default; reach it from elsewhere through `kubectl port-forward` or
/// an SSH tunnel (or a TLS-terminating proxy with `--ui-secure-cookies`).
struct DashboardFlags: ParsableArguments {
    @Option(help: "Address the dashboard (/ui/) listens on.")
    var uiAddress: String = "127.0.0.1"

    @Option(help: "Port of the dashboard (0 picks a free port).")
    var uiPort: Int = DashboardConfiguration.defaultPort

    @Flag(help: "Do not serve the dashboard.")
    var noUI = false

    @Flag(help: "Mark the session cookie Secure (the dashboard is reached through a TLS-terminating proxy).")
    var uiSecureCookies = false

    func options(printLoginLink: Bool) -> DashboardOptions? {
        noUI ? nil : DashboardOptions(address: uiAddress, port: uiPort, printLoginLink: printLoginLink, secureCookies: uiSecureCookies)
    }

    /// The dashboard's port for the busy-port check (0 when it is off or picks a free one).
    var checkedPort: Int { noUI ? 0 : uiPort }
}
