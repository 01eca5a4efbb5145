import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import Glibc
import JSON
import KubeClient
import ManifestYAML
import Testing

/// The contract between `deploy/` and the binary, run for real: `kubectl kustomize deploy/` is
/// rendered, each container's entrypoint, args, env, volume mounts and user are taken as the
/// kubelet would, the mounts are laid out with real bind mounts (bubblewrap, as root) and the
/// built `edgeai` runs with exactly those arguments as the manifest's user. The cloud container
/// starts from the Secret's files and the in-cluster service account files against an embedded
/// API server; the agent container connects to it by the Service's DNS name (an `/etc/hosts`
/// entry in its sandbox) and counts a dataset under the node's `/data`.
///
/// Needs `bwrap`, `setpriv`, `kubectl` and root; skipped otherwise, unless
/// `EDGEAI_REQUIRE_PEERS=1`, in which case it fails.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ManifestContractTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let tools = ["/usr/bin/bwrap", "/usr/bin/setpriv", "/usr/bin/kubectl"]
    static let canRun = tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } && getuid() == 0
    static let required = ProcessInfo.processInfo.environment["EDGEAI_REQUIRE_PEERS"] == "1"

    @Test func toolsArePresentWhenRequired() {
        #expect(!Self.required || Self.canRun, "EDGEAI_REQUIRE_PEERS=1 but one of \(Self.tools) is missing or not root")
    }

    /// `kubectl kustomize deploy/`, parsed.
    static func rendered() async throws -> [JSONValue] {
        let directory = try TemporaryDirectory(prefix: "kustomize")
        defer { directory.remove() }
        let out = directory.file("out").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        process.arguments = ["kustomize", repository.appendingPathComponent("deploy").path]
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = FileHandle.nullDevice
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        try process.run()
        var status: Int32 = -1
        for await code in exits { status = code }
        #expect(status == 0, "kubectl kustomize deploy/ failed")
        return try Manifests.parse(String(contentsOfFile: out, encoding: .utf8))
    }

    static func image() throws -> ContainerRun.Image {
        try ContainerRun.Image(dockerfile: String(contentsOf: repository.appendingPathComponent("Dockerfile"), encoding: .utf8))
    }

    /// Starts `run` in a sandbox; its output is captured like any `edgeai` child's.
    static func start(_ run: ContainerRun, extraFiles: [String: String] = [:], setenv: [(String, String)] = [], in directory: String) throws -> RunningCLI {
        let image = try image()
        let arguments = run.bubblewrapArguments(
            binary: CLIProcess.binary.path, image: image, extraFiles: extraFiles,
            setenv: [("HOME", "/"), ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")] + setenv)
        return try CLIProcess.start(arguments, environment: [:], workingDirectory: directory, executable: URL(fileURLWithPath: "/usr/bin/bwrap"))
    }

    static func workload(_ objects: [JSONValue], kind: String, name: String) throws -> JSONValue {
        try #require(objects.first { $0["kind"]?.stringValue == kind && $0["metadata"]?["name"]?.stringValue == name })
    }

    /// The hub URL the agents use names the hub Service and the port the cloud listens on.
    @Test(.enabled(if: ManifestContractTests.canRun || ManifestContractTests.required)) func agentsReachTheHubServiceByName() async throws {
        let objects = try await Self.rendered()
        let service = try Self.workload(objects, kind: "Service", name: "edgeai-hub")
        let host = "\(service["metadata"]?["name"]?.stringValue ?? "").\(service["metadata"]?["namespace"]?.stringValue ?? "").svc"
        let port = try #require(service["spec"]?["ports"]?.arrayValue?.first?["port"]?.intValue)
        let edge = try ContainerRun(
            workload: Self.workload(objects, kind: "DaemonSet", name: "edgeai-edge"), image: Self.image(),
            volumes: .init(hostPath: { $0 }, secret: { $0 }, emptyDir: { $0 }, serviceAccount: nil), fieldRefs: ["spec.nodeName": "n"])
        let cloudURL = try #require(edge.command.firstIndex(of: "--cloud").map { edge.command[$0 + 1] })
        #expect(cloudURL == "wss://\(host):\(port)")
        let cloud = try ContainerRun(
            workload: Self.workload(objects, kind: "Deployment", name: "edgeai-cloud"), image: Self.image(),
            volumes: .init(hostPath: { $0 }, secret: { $0 }, emptyDir: { $0 }, serviceAccount: "/sa"), fieldRefs: [:])
        #expect(cloud.command.firstIndex(of: "--hub-host").map { cloud.command[$0 + 1] } == host)
        #expect(cloud.command.firstIndex(of: "--hub-port").map { cloud.command[$0 + 1] } == String(port))
    }

    /// The whole path: cloud container in-cluster against an embedded API server, agent
    /// container on a node with `/data`, a Dataset counted, a missing one reported by node path.
    @Test(.enabled(if: ManifestContractTests.canRun || ManifestContractTests.required)) func cloudAndAgentContainersRunAsTheManifestsSay() async throws {
        let objects = try await Self.rendered()
        let serviceAccountUser = "system:serviceaccount:edgeai-system:edgeai-cloud"
        var serviceAccountToken = ""
        let cluster = try await CLICluster(prepare: { credentials in
            serviceAccountToken = try credentials.ensureToken(user: serviceAccountUser, groups: ["edgeai:controllers"])
        })
        let client = try cluster.client()
        var running: [RunningCLI] = []
        do {
            let root = cluster.directory.path
            // The cluster key and CA an operator creates once, as the edgeai-cluster Secret's volume
            // (owner root, group fsGroup, mode 0440 as deploy/cloud/deployment.yaml asks).
            let admin = try PKIBootstrap.ensure(dataDirectory: root + "/admin")
            let secret = root + "/secret-edgeai-cluster"
            try FileManager.default.createDirectory(atPath: secret, withIntermediateDirectories: true)
            for name in ["cluster.key", "ca.crt", "ca.key"] {
                try FileManager.default.copyItem(atPath: root + "/admin/" + name, toPath: secret + "/" + name)
                try FileManager.default.setAttributes([.posixPermissions: 0o440, .groupOwnerAccountID: 10001], ofItemAtPath: secret + "/" + name)
            }
            // The kubelet's service account files.
            let serviceAccount = root + "/serviceaccount"
            try FileManager.default.createDirectory(atPath: serviceAccount, withIntermediateDirectories: true)
            try serviceAccountToken.write(toFile: serviceAccount + "/token", atomically: true, encoding: .utf8)
            try cluster.credentials.certificateAuthority.certificatePEM.write(toFile: serviceAccount + "/ca.crt", atomically: true, encoding: .utf8)
            try "edgeai-system".write(toFile: serviceAccount + "/namespace", atomically: true, encoding: .utf8)
            let emptyDirs = root + "/emptydir"

            let cloud = try ContainerRun(
                workload: Self.workload(objects, kind: "Deployment", name: "edgeai-cloud"), image: Self.image(),
                volumes: .init(
                    hostPath: { root + "/cloud-node" + $0 }, secret: { $0 == "edgeai-cluster" ? secret : root + "/missing-secret" },
                    emptyDir: { name in
                        let path = emptyDirs + "/" + name
                        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                        _ = chmod(path, 0o777)  // an emptyDir is world-writable, whatever this process's umask
                        return path
                    },
                    serviceAccount: serviceAccount),
                fieldRefs: [:])
            #expect(cloud.user == 10001)
            let cloudProcess = try Self.start(
                cloud, setenv: [("KUBERNETES_SERVICE_HOST", "127.0.0.1"), ("KUBERNETES_SERVICE_PORT", String(cluster.port))], in: root)
            running.append(cloudProcess)
            try await cloudProcess.waitForOutput("the cloud container's hub") { $0.contains("edgeai cloud: edge hub on") }

            // The node: its /data, its credentials in /etc/edgeai, the agent's state directory.
            let node = root + "/node"
            try FileManager.default.createDirectory(atPath: node + "/data/images", withIntermediateDirectories: true)
            try "a\nb\nc\n".write(toFile: node + "/data/images/index.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: node + "/etc/edgeai", withIntermediateDirectories: true)
            // Registered as `edgeai node add` does: its EdgeNode with the generation its token carries.
            _ = try await client.create(EdgeNode(metadata: ObjectMeta(name: "edge-1"), spec: EdgeNodeSpec(tokenGeneration: 7)))
            try NodeToken.issue(node: "edge-1", generation: 7, secret: admin.clusterSecret)
                .write(toFile: node + "/etc/edgeai/token", atomically: true, encoding: .utf8)
            try admin.certificateAuthority.certificatePEM.write(toFile: node + "/etc/edgeai/ca.crt", atomically: true, encoding: .utf8)
            let edge = try ContainerRun(
                workload: Self.workload(objects, kind: "DaemonSet", name: "edgeai-edge"), image: Self.image(),
                volumes: .init(
                    hostPath: { path in
                        try? FileManager.default.createDirectory(atPath: node + path, withIntermediateDirectories: true)  // DirectoryOrCreate
                        return node + path
                    },
                    secret: { root + "/missing-" + $0 }, emptyDir: { root + "/missing-" + $0 }, serviceAccount: serviceAccount),
                fieldRefs: ["spec.nodeName": "edge-1"])
            #expect(!edge.mounts.contains { $0.target.hasPrefix("/var/run/secrets") }, "the agent must get no API token")
            let hosts = root + "/hosts"
            try "127.0.0.1 localhost edgeai-hub.edgeai-system.svc\n".write(toFile: hosts, atomically: true, encoding: .utf8)
            let edgeProcess = try Self.start(edge, extraFiles: ["/etc/hosts": hosts], in: root)
            running.append(edgeProcess)
            try await edgeProcess.waitForOutput("the agent's local API") { $0.contains("local API on") }

            for (name, url) in [("images", "/data/images/index.txt"), ("missing", "/data/missing.txt")] {
                let created = try await cluster.run(["create", "dataset", name, "--url", url, "--format", "txt", "--node", "edge-1"])
                #expect(created.status == 0, "\(created)")
            }
            try await eventually("the agent counted /data/images/index.txt", timeout: .seconds(60)) {
                try await client.get(Dataset.self, namespace: "default", name: "images").status?.numberOfSamples == 3
            }
            try await eventually("the missing dataset reported by its node path", timeout: .seconds(30)) {
                let ready = try await client.get(Dataset.self, namespace: "default", name: "missing").status?.conditions?.first { $0.type == "Ready" }
                return ready?.reason == "NotFound" && (ready?.message ?? "").contains("/data/missing.txt") && !(ready?.message ?? "").contains("/host")
            }

            // The liveness probe, exactly as the DaemonSet runs it, against the live agent.
            let probe = try #require(try Self.workload(objects, kind: "DaemonSet", name: "edgeai-edge")["spec"]?["template"]?["spec"]?["containers"]?
                .arrayValue?.first?["livenessProbe"]?["exec"]?["command"]?.arrayValue?.compactMap(\.stringValue))
            let probeBinary = try #require(probe.first)
            #expect(try Self.image().binaryPaths.contains(probeBinary), "the probe runs a binary the image ships")
            let probing = try CLIProcess.start(
                Array(probe.dropFirst()), environment: [:], workingDirectory: root,
                executable: CLIProcess.binary.deletingLastPathComponent().appendingPathComponent((probeBinary as NSString).lastPathComponent))
            let alive = await probing.exit()
            #expect(alive == 0, "\(probing.stderr())")
        } catch {
            for process in running { print(process.stderr().suffix(3000)) }
            await Self.kill(running)
            try? await client.shutdown()
            await cluster.stop()
            throw error
        }
        await Self.kill(running)
        try? await client.shutdown()
        await cluster.stop()
    }

    /// SIGKILL to bwrap ends its PID namespace, so everything in the sandbox goes with it (bwrap
    /// does not pass SIGTERM on).
    static func kill(_ processes: [RunningCLI]) async {
        for running in processes where running.process.isRunning { _ = Glibc.kill(running.process.processIdentifier, SIGKILL) }
        for running in processes { _ = await running.exit() }
    }

    /// The original bug, kept as a failure path: `--allow` with the container path refuses every
    /// Dataset under the node's `/data`. The sandbox run above would fail the same way.
    @Test func allowMustNameNodePaths() throws {
        var daemonSet = try #require(try Manifests.parse(String(
            contentsOf: Self.repository.appendingPathComponent("deploy/edge/daemonset.yaml"), encoding: .utf8)).first)
        let edge = try ContainerRun(
            workload: daemonSet, image: Self.image(),
            volumes: .init(hostPath: { $0 }, secret: { $0 }, emptyDir: { $0 }, serviceAccount: nil), fieldRefs: ["spec.nodeName": "n"])
        let allow = edge.command.indices.filter { edge.command[$0] == "--allow" }.map { edge.command[$0 + 1] }
        let rootIndex = try #require(edge.command.firstIndex(of: "--root"))
        let root = edge.command[rootIndex + 1]
        // Every allowed node path is visible: some mount puts it under the root.
        for path in allow {
            #expect(edge.mounts.contains { root + path == $0.target || (root + path).hasPrefix($0.target + "/") }, "\(path) is not mounted under \(root)")
            #expect(!path.hasPrefix(root + "/"), "--allow \(path) names a container path; it takes node paths")
        }
        #expect(!allow.isEmpty)
        daemonSet["spec"]?["template"]?["spec"]?["containers"] = .array([])
        #expect(throws: ContainerRun.ManifestError.self) {
            try ContainerRun(workload: daemonSet, image: Self.image(), volumes: .init(hostPath: { $0 }, secret: { $0 }, emptyDir: { $0 }, serviceAccount: nil), fieldRefs: [:])
        }
    }
}
