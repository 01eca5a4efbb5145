import ArgumentParser
import EdgeAIAPI
import EdgeAIPKI
import Foundation
import JSON
import KubeClient

extension Token {
    /// `edgeai token rotate [--grace DURATION]`: a new cluster key. Tokens of the old key stay
    /// accepted until the grace ends (`retired.keys`); the hub re-reads the key by itself, so
    /// re-provision each node (`edgeai node add NAME`) within the grace and no node disconnects.
    ///
    /// Replaces the key in the cluster's `edgeai-cluster` Secret (an update with the read
    /// `resourceVersion`, so a concurrent rotation fails instead of being lost), or in a cloud
    /// data directory with `--data-dir`. Prints when the old tokens stop working, never a key.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the cluster key; old node tokens work until --grace ends.")

        @OptionGroup var client: ClientOptions

        @Option(help: "How long tokens of the old key stay accepted: e.g. 90s, 30m, 24h, 7d (0: at once).")
        var grace: String = "1h"

        @Option(help: "Rotate the key in this cloud data directory instead of the cluster's Secret.")
        var dataDir: String?

        func validate() throws { _ = try Self.parseGrace(grace) }

        /// `N` followed by `s`, `m`, `h` or `d`, at most 30 days; `0` alone. Pure.
        static func parseGrace(_ text: String) throws -> Duration {
            if text == "0" { return .zero }
            let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
            guard let unit = text.last.flatMap({ units[$0] }), let value = Int64(text.dropLast()), value >= 0 else {
                throw ValidationError("--grace must be a number with s, m, h or d (e.g. 24h), got \(text)")
            }
            guard value <= 30 * 86_400 / unit else { throw ValidationError("--grace must be at most 30d") }
            return .seconds(value * unit)
        }

        func run() async throws {
            let grace = try Self.parseGrace(self.grace)
            let until = Date().addingTimeInterval(TimeInterval(grace.components.seconds))
            if let dataDir {
                return try await reportingErrors {
                    let path = URL(fileURLWithPath: dataDir).standardizedFileURL.path
                    try ClusterKeyRotation.rotate(dataDirectory: path, grace: grace)
                    writeOutput("rotated the cluster key in \(path)/cluster.key; old node tokens are accepted until \(Time(until).rfc3339)\n")
                    writeOutput("re-provision every node before then: edgeai node add NAME --data-dir \(dataDir)\n")
                }
            }
            try await client.withClient { kube, _ in
                let object: JSONValue
                do {
                    object = try await kube.get(InstallPlan.secretType, namespace: InstallPlan.secretNamespace, name: InstallPlan.secretName)
                } catch let error as KubeError where error.isNotFound {
                    throw CLIError("Secret \(InstallPlan.secretNamespace)/\(InstallPlan.secretName) not found: run `edgeai install --image …` first")
                }
                let rotated = try ClusterSecretObject(secret: object).rotated(grace: grace)
                let resourceVersion = object["metadata"]?["resourceVersion"]?.stringValue
                _ = try await kube.update(
                    InstallPlan.secretType, namespace: InstallPlan.secretNamespace, rotated.object(resourceVersion: resourceVersion))
                writeOutput("secret/\(InstallPlan.secretName) rotated; old node tokens are accepted until \(Time(until).rfc3339)\n")
                writeOutput("re-provision every node before then: edgeai node add NAME\n")
            }
        }
    }
}
