public import Foundation

/// Everything a ``KubeClient`` needs to reach one API server as one user: the resolved context
/// of a kubeconfig, or the in-cluster service-account configuration.
///
/// Certificates and keys are read when the configuration is loaded; a token file is re-read by
/// the client every ``tokenRefreshInterval`` (and after a 401), so rotated tokens are picked up.
public struct KubeConfig: Sendable, Equatable {
    /// How requests authenticate.
    public enum Credentials: Sendable, Equatable {
        case none
        case token(String)
        /// A file holding a bearer token, re-read on rotation.
        case tokenFile(String)
        case basic(username: String, password: String)
    }

    /// Base URL, e.g. `https://127.0.0.1:6443` (may carry a path prefix).
    public var server: String
    /// The default namespace of the context (`default` when unset).
    public var namespace: String
    /// PEM bundle of trusted CAs; `nil` uses the system trust store.
    public var certificateAuthorityPEM: [UInt8]?
    public var insecureSkipTLSVerify: Bool
    /// Name to verify the server certificate against (and send as SNI) instead of the URL's host.
    public var tlsServerName: String?
    /// PEM client certificate (chain) and key (RSA or EC) for client-certificate authentication.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var credentials: Credentials
    /// The kubeconfig context this came from; `nil` in-cluster or when built by hand.
    public var contextName: String?
    /// Client-side rate limit. Defaults 50 QPS, burst 100: client-go's 5/10 throttles
    /// informers and controllers needlessly against our API server; still polite to a real one.
    public var qps: Double = 50
    public var burst: Int = 100
    /// How long a token read from a file is trusted before it is read again.
    public var tokenRefreshInterval: Duration = .seconds(60)

    public init(
        server: String, namespace: String = "default", certificateAuthorityPEM: [UInt8]? = nil,
        insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil,
        clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
        credentials: Credentials = .none
    ) {
        self.server = server
        self.namespace = namespace
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.credentials = credentials
    }

    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Loads like kubectl: the files of `KUBECONFIG` merged, else `~/.kube/config`; then
    /// `context` (or the current context). Falls back to in-cluster configuration when no
    /// kubeconfig exists and `KUBERNETES_SERVICE_HOST` is set.
    public static func load(
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeConfigError) -> KubeConfig {
        if let variable = environment["KUBECONFIG"], !variable.isEmpty {
            return try resolve(KubeConfigFile.load(kubeconfigVariable: variable), context: context)
        }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let path = home + "/.kube/config"
        if FileManager.default.fileExists(atPath: path) {
            return try resolve(KubeConfigFile(contentsOf: path), context: context)
        }
        if environment["KUBERNETES_SERVICE_HOST"] != nil {
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        throw KubeConfigError("no configuration: KUBECONFIG is unset, \(path) does not exist, and not running in a cluster")
    }

    /// The configuration of `context` (default: the file's current context).
    public static func resolve(_ file: KubeConfigFile, context: String? = nil) throws(KubeConfigError) -> KubeConfig {
        guard let contextName = context ?? file.currentContext else {
            throw KubeConfigError("no context given and the kubeconfig has no current-context")
        }
        guard let ctx = file.contexts[contextName] else {
            throw KubeConfigError("context \"\(contextName)\" not found in kubeconfig")
        }
        guard let cluster = file.clusters[ctx.cluster] else {
            throw KubeConfigError("cluster \"\(ctx.cluster)\" of context \"\(contextName)\" not found in kubeconfig")
        }
        var config = KubeConfig(
            server: cluster.server, namespace: ctx.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify, tlsServerName: cluster.tlsServerName)
        config.contextName = contextName
        if let data = cluster.certificateAuthorityData {
            config.certificateAuthorityPEM = data
        } else if let path = cluster.certificateAuthority {
            config.certificateAuthorityPEM = try read(path, what: "certificate-authority of cluster \"\(ctx.cluster)\"")
        }
        guard !ctx.user.isEmpty else { return config }
        guard let user = file.users[ctx.user] else {
            throw KubeConfigError("user \"\(ctx.user)\" of context \"\(contextName)\" not found in kubeconfig")
        }
        if let plugin = user.unsupportedPlugin {
            throw KubeConfigError(
                "user \"\(ctx.user)\" uses an \(plugin) credential plugin, which is not supported; use a token, token file or client certificate")
        }
        if let data = user.clientCertificateData {
            config.clientCertificatePEM = data
        } else if let path = user.clientCertificate {
            config.clientCertificatePEM = try read(path, what: "client-certificate of user \"\(ctx.user)\"")
        }
        if let data = user.clientKeyData {
            config.clientKeyPEM = data
        } else if let path = user.clientKey {
            config.clientKeyPEM = try read(path, what: "client-key of user \"\(ctx.user)\"")
        }
        if (config.clientCertificatePEM == nil) != (config.clientKeyPEM == nil) {
            throw KubeConfigError("user \"\(ctx.user)\" needs both a client certificate and a client key")
        }
        if let token = user.token, !token.isEmpty {
            config.credentials = .token(token)
        } else if let path = user.tokenFile {
            config.credentials = .tokenFile(path)
        } else if let username = user.username {
            config.credentials = .basic(username: username, password: user.password ?? "")
        }
        return config
    }

    /// The in-cluster configuration: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
    /// the service account's CA, namespace and token (re-read on rotation) from `serviceAccountDirectory`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeConfigError) -> KubeConfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError("not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let tokenPath = serviceAccountDirectory + "/token"
        let token = try read(tokenPath, what: "service account token")
        if token.isEmpty { throw KubeConfigError("service account token \(tokenPath) is empty") }
        var config = KubeConfig(server: "https://\(hostPart):\(port)", credentials: .tokenFile(tokenPath))
        config.certificateAuthorityPEM = try read(serviceAccountDirectory + "/ca.crt", what: "service account CA")
        if let ns = try? read(serviceAccountDirectory + "/namespace", what: "namespace") {
            let namespace = String(decoding: ns, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !namespace.isEmpty { config.namespace = namespace }
        }
        return config
    }

    static func read(_ path: String, what: String) throws(KubeConfigError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("cannot read \(what) at \(path)")
        }
        return Array(data)
    }
}
