import EdgeAIAPI
import Foundation
import JSON

/// One container of the rendered `deploy/` manifests, as the kubelet would start it: the image's
/// entrypoint (from the Dockerfile) and the container's args with `$(VAR)` expanded, its env, its
/// volume mounts resolved to host directories, and the user it runs as.
///
/// Pure: built from parsed objects and a `hostPath` mapping; ``bubblewrapArguments`` says how to
/// run it with real bind mounts (`bwrap`, as root) and `setpriv` to drop to the manifest's user.
struct ContainerRun {
    struct Mount: Equatable {
        var source: String
        var target: String
        var readOnly: Bool
    }

    var command: [String]
    var environment: [(String, String)]
    var mounts: [Mount]
    var user: Int
    var group: Int
    var supplementaryGroups: [Int]
    /// The container's image file system is read-only.
    var readOnlyRoot: Bool

    struct ManifestError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What the kubelet supplies for each volume kind.
    struct Volumes {
        /// A node's hostPath, as a directory of this machine.
        var hostPath: (String) -> String
        /// A Secret's volume directory, by secret name.
        var secret: (String) -> String
        /// A fresh emptyDir, by volume name.
        var emptyDir: (String) -> String
        /// The service account directory, mounted unless automount is off.
        var serviceAccount: String?
    }

    /// The image's `ENTRYPOINT` and `USER` (uid:gid), and where it copies the binaries.
    struct Image {
        var entrypoint: [String]
        var user: Int
        var group: Int
        /// Where the image puts each binary it copies from the build stage (the first is `edgeai`).
        var binaryPaths: [String]
        var binaryPath: String { binaryPaths[0] }

        init(dockerfile text: String) throws {
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            // The final stage is what runs.
            let final = lines.lastIndex { $0.hasPrefix("FROM ") }.map { Array(lines[$0...]) } ?? lines
            guard let entry = final.first(where: { $0.hasPrefix("ENTRYPOINT ") }),
                case .array(let items) = try JSONParser.parse(String(entry.dropFirst("ENTRYPOINT ".count)))
            else { throw ManifestError("the Dockerfile's final stage has no exec-form ENTRYPOINT") }
            entrypoint = items.compactMap(\.stringValue)
            let user = final.last { $0.hasPrefix("USER ") }.map { $0.dropFirst("USER ".count).split(separator: ":") } ?? []
            self.user = user.first.flatMap { Int($0) } ?? 0
            self.group = user.dropFirst().first.flatMap { Int($0) } ?? self.user
            binaryPaths = final.filter { $0.hasPrefix("COPY --from=build ") }.compactMap { $0.split(separator: " ").last.map(String.init) }
            guard !binaryPaths.isEmpty else { throw ManifestError("the Dockerfile copies no binary from the build stage") }
        }
    }

    /// The first container of the pod template of `workload`; `fieldRefs` gives the values of
    /// `valueFrom.fieldRef` paths (e.g. `spec.nodeName`).
    init(workload: JSONValue, image: Image, volumes: Volumes, fieldRefs: [String: String]) throws {
        guard let pod = workload["spec"]?["template"]?["spec"], let container = pod["containers"]?.arrayValue?.first else {
            throw ManifestError("\(workload["kind"]?.stringValue ?? "?") has no pod template container")
        }
        var environment: [(String, String)] = []
        for variable in container["env"]?.arrayValue ?? [] {
            guard let name = variable["name"]?.stringValue else { continue }
            if let value = variable["value"]?.stringValue {
                environment.append((name, value))
            } else if let path = variable["valueFrom"]?["fieldRef"]?["fieldPath"]?.stringValue {
                guard let value = fieldRefs[path] else { throw ManifestError("env \(name): no value for fieldRef \(path)") }
                environment.append((name, value))
            } else {
                throw ManifestError("env \(name): unsupported source")
            }
        }
        let expand = { (text: String) -> String in
            var result = text
            for (name, value) in environment { result = result.replacingOccurrences(of: "$(\(name))", with: value) }
            return result
        }
        let command = container["command"]?.arrayValue?.compactMap(\.stringValue) ?? image.entrypoint
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.command = (command + args).map(expand)
        self.environment = environment

        var sources: [String: String] = [:]
        for volume in pod["volumes"]?.arrayValue ?? [] {
            guard let name = volume["name"]?.stringValue else { continue }
            if let path = volume["hostPath"]?["path"]?.stringValue {
                sources[name] = volumes.hostPath(path)
            } else if let secret = volume["secret"]?["secretName"]?.stringValue {
                sources[name] = volumes.secret(secret)
            } else if volume["emptyDir"] != nil {
                sources[name] = volumes.emptyDir(name)
            } else {
                throw ManifestError("volume \(name): unsupported kind")
            }
        }
        var mounts: [Mount] = []
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            guard let name = mount["name"]?.stringValue, let target = mount["mountPath"]?.stringValue, let source = sources[name] else {
                throw ManifestError("volumeMount \(mount["name"]?.stringValue ?? "?") names no volume")
            }
            mounts.append(Mount(source: source, target: target, readOnly: mount["readOnly"]?.boolValue ?? false))
        }
        if pod["automountServiceAccountToken"]?.boolValue != false, let serviceAccount = volumes.serviceAccount {
            mounts.append(Mount(source: serviceAccount, target: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true))
        }
        self.mounts = mounts

        let podContext = pod["securityContext"]
        let containerContext = container["securityContext"]
        func setting(_ key: String) -> Int? {
            (containerContext?[key]?.intValue ?? podContext?[key]?.intValue).map { Int($0) }
        }
        user = setting("runAsUser") ?? image.user
        group = setting("runAsGroup") ?? (setting("runAsUser") == nil ? image.group : 0)
        supplementaryGroups = podContext?["fsGroup"]?.intValue.map { [Int($0)] } ?? []
        readOnlyRoot = containerContext?["readOnlyRootFilesystem"]?.boolValue ?? false
        if podContext?["runAsNonRoot"]?.boolValue == true || containerContext?["runAsNonRoot"]?.boolValue == true, user == 0 {
            throw ManifestError("runAsNonRoot is set but the container runs as uid 0")
        }
    }

    /// `bwrap` arguments: this machine's `/usr` and `/opt` read-only (the Swift runtime of the
    /// debug build), the binary at the image's path, the volumes bound as the manifest mounts them,
    /// `extraFiles` (e.g. `/etc/hosts`) bound read-only, then `setpriv` drops to the manifest's
    /// user with no capabilities and no privilege escalation.
    func bubblewrapArguments(binary: String, image: Image, extraFiles: [String: String], setenv: [(String, String)]) -> [String] {
        // bwrap keeps capabilities only for setpriv, which drops them all before the exec.
        var arguments = [
            "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--cap-add", "ALL", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        ]
        for top in ["/usr", "/opt"] where FileManager.default.fileExists(atPath: top) {
            arguments += ["--ro-bind", top, top]
        }
        for link in ["/bin", "/lib", "/lib64", "/sbin"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link) {
                arguments += ["--symlink", target, link]
            } else if FileManager.default.fileExists(atPath: link) {
                arguments += ["--ro-bind", link, link]
            }
        }
        // Directories bwrap would create for mount points get the image's usual 0755 (not this
        // process's umask), so the manifest's user can traverse them.
        var created: Set<String> = ["/"]
        for target in mounts.map(\.target) + Array(extraFiles.keys) + ["/etc/passwd"] {
            var ancestors: [String] = []
            var path = (target as NSString).deletingLastPathComponent
            while !created.contains(path), !path.hasPrefix("/usr"), !path.hasPrefix("/opt") {
                ancestors.append(path)
                created.insert(path)
                path = (path as NSString).deletingLastPathComponent
            }
            for directory in ancestors.reversed() { arguments += ["--perms", "0755", "--dir", directory] }
        }
        // Each of the image's binaries is the one of that name built beside `binary`.
        let binaryDirectory = (image.binaryPath as NSString).deletingLastPathComponent
        let built = (binary as NSString).deletingLastPathComponent
        arguments += ["--tmpfs", (binaryDirectory as NSString).deletingLastPathComponent]
        for path in image.binaryPaths { arguments += ["--ro-bind", built + "/" + (path as NSString).lastPathComponent, path] }
        for file in ["/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/ld.so.cache"] where extraFiles[file] == nil {
            if FileManager.default.fileExists(atPath: file) { arguments += ["--ro-bind", file, file] }
        }
        for (target, source) in extraFiles.sorted(by: { $0.key < $1.key }) { arguments += ["--ro-bind", source, target] }
        for mount in mounts { arguments += [mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.target] }
        if readOnlyRoot { arguments += ["--remount-ro", "/"] }
        arguments += ["--clearenv"]
        for (name, value) in environment + setenv { arguments += ["--setenv", name, value] }
        arguments += ["--", "/usr/bin/setpriv", "--reuid", String(user), "--regid", String(group)]
        arguments += supplementaryGroups.isEmpty ? ["--clear-groups"] : ["--groups", supplementaryGroups.map(String.init).joined(separator: ",")]
        arguments += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        return arguments + command
    }
}
