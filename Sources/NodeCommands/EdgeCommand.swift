package import ArgumentParser
import EdgeAgent
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `edgeai edge`: the agent on an edge node. Keeps the node's datasets and the models in a local
/// store, watches the data, reports status to the hub, and serves the local API for jobs.
///
/// Runs until SIGINT/SIGTERM. Started while the hub is unreachable it restores everything from
/// its store and keeps monitoring; reports wait in the outbox until the hub acknowledges them.
package struct Edge: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "Run the edge agent for one node.",
        discussion: """
            dataUrl and modelUrl are node paths (absolute, or file:// URLs), resolved under --root and \
            read only inside the --allow directories; `..`, escaping symlinks and other schemes are refused. \
            A dataset's dataUrl may also be s3://BUCKET/KEY (a prefix for format dir; credentials and endpoint \
            from --credentials-dir) or https://… (http:// only with --allow-http). \
            The local API for jobs is documented in docs/agent-api.md.
            """)

    @Option(help: "This node's name (must match the node the token was issued for).")
    var node: String

    @Option(help: "The node token (prefer --token-file: arguments are visible to other users).")
    var token: String?

    @Option(help: "A file holding the node token.")
    var tokenFile: String?

    @Option(help: "The hub, as wss://HOST:PORT.")
    var cloud: String

    @Option(help: "The hub's CA certificate (PEM).")
    var ca: String

    @Option(help: "Where the node's filesystem is mounted in this process.")
    var root: String = "/"

    @Option(help: "A node directory whose data may be read (repeatable).")
    var allow: [String] = []

    @Option(help: "Directory for the agent's store (agent.sqlite).")
    var dataDir: String = "./.edgeai-agent"

    @Option(help: "Port of the local API for jobs, on 127.0.0.1 (0 picks a free port).")
    var apiPort: Int = 7070

    @Option(help: "Seconds between safety-net rescans of every dataset and model.")
    var rescanSeconds: Int = 30

    @Option(help: "Seconds without progress after which a dataset scan is abandoned (IOError) and retried; /healthz fails after twice that (at least 60 s) with every scan stuck.")
    var stallSeconds: Int = 30

    @Option(help: "Threads scanning datasets (at most this many are scanned at once).")
    var scanWorkers: Int = 4

    @Flag(help: "Accept plain http:// data URLs and S3 endpoints (unencrypted, unauthenticated transport).")
    var allowHttp = false

    @Option(help: "A directory with one owner-only (0600) file per credential name, KEY=VALUE lines: ACCESS_KEY_ID, SECRET_ACCESS_KEY, s3-endpoint, s3-usehttps (name `default` when a spec names none).")
    var credentialsDir: String?

    @Option(help: "MiB of remote models kept in the agent's model cache (least recently used versions evicted beyond it).")
    var modelCacheMib: Int = 10240

    @Option(help: "Model downloads transferring at once (the others wait, Pending).")
    var concurrentDownloads: Int = 2

    @Option(help: "MiB of local copies of remote datasets (spec.localCopy) the agent keeps (least recently used versions evicted beyond it).")
    var datasetCopyMib: Int = 10240

    package init() {}

    package func validate() throws {
        if token == nil, tokenFile == nil { throw ValidationError("one of --token or --token-file is required") }
        if token != nil, tokenFile != nil { throw ValidationError("--token and --token-file are exclusive") }
        guard cloud.lowercased().hasPrefix("wss://") else { throw ValidationError("--cloud must be wss://HOST:PORT, got \(cloud)") }
        if allow.isEmpty { throw ValidationError("at least one --allow DIR is required (no data is readable otherwise)") }
        if rescanSeconds < 1 { throw ValidationError("--rescan-seconds must be at least 1") }
        if stallSeconds < 1 || stallSeconds > 3600 { throw ValidationError("--stall-seconds must be between 1 and 3600") }
        if scanWorkers < 1 || scanWorkers > 64 { throw ValidationError("--scan-workers must be between 1 and 64") }
        if modelCacheMib < 1 || modelCacheMib > 1 << 30 { throw ValidationError("--model-cache-mib must be between 1 and 1073741824") }
        if datasetCopyMib < 1 || datasetCopyMib > 1 << 30 { throw ValidationError("--dataset-copy-mib must be between 1 and 1073741824") }
        if concurrentDownloads < 1 || concurrentDownloads > 64 { throw ValidationError("--concurrent-downloads must be between 1 and 64") }
    }

    package func run() async throws {
        let logger = Logger(label: "edgeai.edge")
        // The token and CA are re-read whenever they change: the agent then restarts in-process
        // and reconnects with them (no pod restart after `edgeai node add` re-provisions it).
        let watch = CredentialWatch(paths: [tokenFile, ca].compactMap { $0 })
        var started = false
        while true {
            let baseline = await watch.snapshot()
            let hub: HubSettings
            do {
                hub = try HubSettings(
                    url: cloud,
                    token: try tokenFile.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? token ?? "",
                    caPEM: try String(contentsOfFile: ca, encoding: .utf8),
                    tokenSource: tokenFile ?? "--token", caSource: ca)
            } catch {
                guard started else {
                    printError("edgeai edge: \(error.localizedDescription)")
                    throw ExitCode.failure
                }
                // Mid-rotation (a file being replaced): wait for the next change instead of exiting.
                logger.error("cannot read the node token or CA; waiting for them to change", metadata: ["error": "\(error.localizedDescription)"])
                _ = try await watch.wait(from: baseline)
                continue
            }
            started = true
            let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            var configuration = EdgeAgent.Configuration(
                node: node, dataDirectory: dataDirectory, root: root, allow: allow, apiPort: apiPort,
                rescanInterval: .seconds(rescanSeconds),
                onAPIListening: { port in
                    // Unbuffered: scripts and supervisors read the port from a pipe.
                    FileHandle.standardOutput.write(Data("edgeai edge: local API on http://127.0.0.1:\(port)\n".utf8))
                })
            configuration.stallTimeout = .seconds(stallSeconds)
            configuration.scanWorkers = scanWorkers
            configuration.allowInsecureHTTP = allowHttp
            configuration.modelCacheBytes = Int64(modelCacheMib) << 20
            configuration.datasetCopyBytes = Int64(datasetCopyMib) << 20
            configuration.concurrentModelDownloads = concurrentDownloads
            if let credentialsDir {
                configuration.credentials = CredentialsDirectory(
                    path: URL(fileURLWithPath: credentialsDir).standardizedFileURL.path, allowInsecureHTTP: allowHttp)
            }
            let agent = EdgeAgent(configuration: configuration, logger: logger, uplink: hub.uplinkFactory(node: node, logger: logger))
            let group = ServiceGroup(configuration: .init(services: [agent], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                guard case .files(let files)? = try await runUntilCredentialsChange(group, watch: watch, baseline: baseline) else { return }
                logger.notice("node token or CA changed; reconnecting with it", metadata: ["files": "\(files)"])
            } catch let error as LocationError {
                printError("edgeai edge: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

/// How the agent reaches the hub: URL, node token, CA.
struct HubSettings: Sendable {
    var url: String
    var token: String
    var caPEM: String
    /// Where the token and the CA came from (file paths), named when the hub refuses them.
    var tokenSource = "the node token"
    var caSource = "the hub CA"

    init(url: String, token: String, caPEM: String, tokenSource: String = "the node token", caSource: String = "the hub CA") throws {
        self.url = url
        self.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        self.caPEM = caPEM
        self.tokenSource = tokenSource
        self.caSource = caSource
        if self.token.isEmpty { throw ValidationError("the node token is empty") }
    }
}
