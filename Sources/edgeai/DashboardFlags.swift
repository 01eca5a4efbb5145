import ArgumentParser
import Dashboard

/// The dashboard's flags on `edgeai up`, `server` and `cloud`: where `/ui/` is served. `up`
/// serves it by default (port 7080); `server` and `cloud` only when `--ui-port` is given (0
/// picks a free port). It is plain HTTP on loopback by default; reach it from elsewhere through
/// `kubectl port-forward` or an SSH tunnel (or a TLS-terminating proxy with `--ui-secure-cookies`).
struct DashboardFlags: ParsableArguments {
    @Option(help: "Address the dashboard (/ui/) listens on.")
    var uiAddress: String = "127.0.0.1"

    @Option(help: "Port of the dashboard (0 picks a free port; `up` default 7080, `server` and `cloud` serve it only with this flag).")
    var uiPort: Int?

    @Flag(help: "Do not serve the dashboard.")
    var noUI = false

    @Flag(help: "Mark the session cookie Secure (the dashboard is reached through a TLS-terminating proxy).")
    var uiSecureCookies = false

    /// The dashboard's options, or nil when it is off; `defaultPort` nil: off unless `--ui-port`.
    func options(defaultPort: Int?, printLoginLink: Bool) -> DashboardOptions? {
        guard !noUI, let port = uiPort ?? defaultPort else { return nil }
        return DashboardOptions(address: uiAddress, port: port, printLoginLink: printLoginLink, secureCookies: uiSecureCookies)
    }

    /// The dashboard's port for the busy-port check (0 when it is off or picks a free one).
    func checkedPort(defaultPort: Int?) -> Int { options(defaultPort: defaultPort, printLoginLink: false)?.port ?? 0 }
}
