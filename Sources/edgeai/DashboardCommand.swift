import ArgumentParser
import Dashboard
import Foundation
import KubeClient
import NodeCommands

/// `edgeai dashboard`: prints a one-time login link to a running dashboard, bound to the token of
/// the current kubeconfig (so the link grants what that token grants, no more). The token goes
/// only into the request's Authorization header, never into the printed link.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Print a one-time login link to the web dashboard, for the kubeconfig's token.")

    @OptionGroup var client: ClientOptions

    @Option(help: "The dashboard's URL (where `edgeai up`/`server`/`cloud` serve /ui/, or a port-forward to it).")
    var url: String = "http://127.0.0.1:\(DashboardConfiguration.defaultPort)"

    func run() async throws {
        let config = try client.config()
        let token: String
        switch config.credentials {
        case .token(let value):
            token = value
        case .tokenFile(let path):
            token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        case .basic, .none:
            printError("edgeai dashboard: the kubeconfig's user has no bearer token; the dashboard signs in with one")
            throw ExitCode.failure
        }
        do {
            let link = try await DashboardLink.mint(dashboard: url, token: token)
            printLine(link)
            printLine("(one-time, valid for 10 minutes)")
        } catch let failure as DashboardLink.Failure {
            printError("edgeai dashboard: \(failure.description)")
            throw ExitCode.failure
        }
    }
}
