import ArgumentParser
import EdgeAICore
import Foundation
import KubeClient

/// The options every command that talks to an API server takes, as kubectl spells them.
///
/// Kubeconfig lookup (first that applies): `--kubeconfig`, `$KUBECONFIG` (merged like kubectl),
/// `./.edgeai/kubeconfig` (what `edgeai up`/`server` writes here), `~/.kube/config`, then the
/// in-cluster service account. It does not contact the server.
struct ClientOptions: ParsableArguments {
    @Option(help: "Path to the kubeconfig file (default: $KUBECONFIG, ./.edgeai/kubeconfig, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: .shortAndLong, help: "The namespace (default: the context's, else \"default\").")
    var namespace: String?

    @Option(help: "How long to wait for one request to the server, in seconds.")
    var requestTimeout: Int = 30

    /// The resolved configuration.
    func config(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> KubeConfig {
        let source = KubeconfigSource.locate(
            flag: kubeconfig, environment: environment, currentDirectory: currentDirectory,
            exists: { FileManager.default.fileExists(atPath: $0) })
        if let kubeconfig, !kubeconfig.isEmpty, !kubeconfig.contains(":"), !FileManager.default.fileExists(atPath: kubeconfig) {
            throw KubeConfigError("the kubeconfig \(kubeconfig) does not exist")
        }
        switch source {
        case .files(let variable):
            return try KubeConfig.resolve(KubeConfigFile.load(kubeconfigVariable: variable), context: context)
        case .default:
            return try KubeConfig.load(context: context, environment: environment)
        }
    }

    /// The namespace commands use when an object does not name its own.
    func effectiveNamespace(_ config: KubeConfig) -> String {
        namespace.flatMap { $0.isEmpty ? nil : $0 } ?? config.namespace
    }

    /// A client for the resolved configuration. Connection failures are retried once only, so an
    /// unreachable server is reported within about a second. Rate limit: kubectl's (50 QPS,
    /// burst 300), so applying a few hundred objects is not throttled.
    func client() throws -> (KubeClient, KubeConfig) {
        var config = try config()
        config.qps = max(config.qps, 50)
        config.burst = max(config.burst, 300)
        let retry = RetryPolicy(maxRetries: 1, backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(1)))
        let client = try KubeClient(config: config, retryPolicy: retry, requestTimeout: .seconds(requestTimeout))
        return (client, config)
    }
}

/// Where the kubeconfig comes from. Pure: the file system is consulted only through `exists`.
enum KubeconfigSource: Equatable {
    /// A `KUBECONFIG`-style list of files (one path, or several joined by `:`).
    case files(String)
    /// `~/.kube/config` or in-cluster, as ``KubeConfig/load(context:environment:serviceAccountDirectory:)`` decides.
    case `default`

    static let localKubeconfig = ".edgeai/kubeconfig"

    static func locate(
        flag: String?, environment: [String: String], currentDirectory: String, exists: (String) -> Bool
    ) -> KubeconfigSource {
        if let flag, !flag.isEmpty { return .files(flag) }
        if let variable = environment["KUBECONFIG"], !variable.isEmpty { return .files(variable) }
        let local = (currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/") + localKubeconfig
        if exists(local) { return .files(local) }
        return .default
    }
}

extension ClientOptions {
    /// Runs `body` with a client, reports any error as one line (exit 1), and always shuts the
    /// client down.
    func withClient(_ body: (KubeClient, KubeConfig) async throws -> Void) async throws {
        try await reportingErrors {
            let (kube, config) = try client()
            do {
                try await reportingErrors(server: config.server) { try await body(kube, config) }
            } catch {
                try? await kube.shutdown()
                throw error
            }
            try? await kube.shutdown()
        }
    }
}
