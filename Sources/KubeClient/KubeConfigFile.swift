import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML

/// A kubeconfig as written on disk (`clusters`, `users`, `contexts`, `current-context`), or the
/// merge of several such files as client-go merges `KUBECONFIG`.
///
/// File paths inside it are already absolute: relative ones are resolved against the directory of
/// the file they came from. It does not read certificates or tokens; ``KubeConfig`` does.
public struct KubeConfigFile: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var insecureSkipTLSVerify: Bool = false
        public var tlsServerName: String?
    }

    public struct User: Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        public var clientKey: String?
        public var clientKeyData: [UInt8]?
        public var username: String?
        public var password: String?
        /// Set when the user needs an `exec` or `auth-provider` plugin, which is not supported.
        public var unsupportedPlugin: String?
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?

    public init() {}

    /// Parses one kubeconfig document; `directory` resolves relative paths.
    public init(yaml: String, directory: String, source: String = "kubeconfig") throws(KubeConfigError) {
        let root: JSONValue
        do {
            root = try Manifests.parse(yaml).first ?? .object([:])
        } catch {
            throw KubeConfigError("\(source): \(error)")
        }
        guard root.objectValue != nil else { throw KubeConfigError("\(source): not a mapping") }
        func path(_ value: JSONValue?) -> String? {
            guard let p = value?.stringValue, !p.isEmpty else { return nil }
            if p.hasPrefix("/") { return p }
            if p.hasPrefix("~/") { return FileManager.default.homeDirectoryForCurrentUser.path + String(p.dropFirst(1)) }
            return (directory as NSString).appendingPathComponent(p)
        }
        func data(_ value: JSONValue?, _ field: String) throws(KubeConfigError) -> [UInt8]? {
            guard let s = value?.stringValue, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s, options: .ignoreUnknownCharacters) else {
                throw KubeConfigError("\(source): \(field) is not valid base64")
            }
            return Array(d)
        }
        for (i, entry) in (root["clusters"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue, let c = entry["cluster"] else {
                throw KubeConfigError("\(source): clusters[\(i)] needs a name and a cluster")
            }
            guard let server = c["server"]?.stringValue, !server.isEmpty else {
                throw KubeConfigError("\(source): cluster \"\(name)\" has no server")
            }
            var cluster = Cluster(server: server)
            cluster.certificateAuthority = path(c["certificate-authority"])
            cluster.certificateAuthorityData = try data(c["certificate-authority-data"], "cluster \"\(name)\" certificate-authority-data")
            cluster.insecureSkipTLSVerify = c["insecure-skip-tls-verify"]?.boolValue ?? false
            cluster.tlsServerName = c["tls-server-name"]?.stringValue
            if clusters[name] == nil { clusters[name] = cluster }
        }
        for (i, entry) in (root["users"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue else {
                throw KubeConfigError("\(source): users[\(i)] needs a name")
            }
            let u = entry["user"] ?? .object([:])
            var user = User()
            user.token = u["token"]?.stringValue
            user.tokenFile = path(u["tokenFile"])
            user.clientCertificate = path(u["client-certificate"])
            user.clientCertificateData = try data(u["client-certificate-data"], "user \"\(name)\" client-certificate-data")
            user.clientKey = path(u["client-key"])
            user.clientKeyData = try data(u["client-key-data"], "user \"\(name)\" client-key-data")
            user.username = u["username"]?.stringValue
            user.password = u["password"]?.stringValue
            if u["exec"] != nil && u["exec"] != .null {
                user.unsupportedPlugin = "exec"
            } else if u["auth-provider"] != nil && u["auth-provider"] != .null {
                user.unsupportedPlugin = "auth-provider"
            }
            if users[name] == nil { users[name] = user }
        }
        for (i, entry) in (root["contexts"]?.arrayValue ?? []).enumerated() {
            guard let name = entry["name"]?.stringValue, let c = entry["context"] else {
                throw KubeConfigError("\(source): contexts[\(i)] needs a name and a context")
            }
            let context = Context(
                cluster: c["cluster"]?.stringValue ?? "", user: c["user"]?.stringValue ?? "",
                namespace: c["namespace"]?.stringValue)
            if contexts[name] == nil { contexts[name] = context }
        }
        if let current = root["current-context"]?.stringValue, !current.isEmpty { currentContext = current }
    }

    /// Reads and parses the file at `path`.
    public init(contentsOf path: String) throws(KubeConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeConfigError("cannot read kubeconfig \(path): \(error.localizedDescription)")
        }
        try self.init(yaml: text, directory: (path as NSString).deletingLastPathComponent, source: path)
    }

    /// Merges `other` under `self` as client-go does: for every map key and for
    /// `current-context`, the first file that sets it wins.
    public func merged(with other: KubeConfigFile) -> KubeConfigFile {
        var result = self
        result.clusters.merge(other.clusters) { first, _ in first }
        result.users.merge(other.users) { first, _ in first }
        result.contexts.merge(other.contexts) { first, _ in first }
        result.currentContext = currentContext ?? other.currentContext
        return result
    }

    /// Loads and merges the files of a `KUBECONFIG` value (':'-separated; empty entries and
    /// missing files are skipped, as client-go does, but not when none exists).
    public static func load(kubeconfigVariable: String) throws(KubeConfigError) -> KubeConfigFile {
        let paths = kubeconfigVariable.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        var merged = KubeConfigFile()
        var found = false
        for path in paths where FileManager.default.fileExists(atPath: path) {
            merged = merged.merged(with: try KubeConfigFile(contentsOf: path))
            found = true
        }
        guard found else { throw KubeConfigError("none of the KUBECONFIG files exists: \(kubeconfigVariable)") }
        return merged
    }
}
