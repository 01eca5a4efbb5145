public import EdgeAIPKI
public import EdgeSync
public import NIOSSL

/// How the cloud controller and its hub run.
public struct CloudControllerConfiguration: Sendable {
    /// Address the hub listens on.
    public var hubHost: String = "0.0.0.0"
    /// The hub's port; 0 picks a free one (``onHubListening`` receives it).
    public var hubPort: Int = HubEndpoint.defaultPort
    /// The hub's TLS: a serving certificate from the cluster CA (whose PEM is `<data-dir>/ca.crt`).
    public var tls: TLSConfiguration
    /// Verifies node tokens.
    public var clusterSecret: ClusterSecret
    /// Keys a rotation replaced whose tokens are still accepted (their grace has not ended).
    public var retiredSecrets: [ClusterSecret] = []
    /// Session limits and timers.
    public var hub = HubConfiguration()
    /// How long a closed connection waits for the peer's close before the socket is dropped.
    public var closeTimeout: Duration = .seconds(5)
    /// Keep an EdgeNode per node (created on first connect, status written by the hub). Off
    /// only for a cluster without the EdgeNode CRD.
    public var keepsEdgeNodes = true
    /// Opt-in, for a fleet provisioned before token generations: a node with a generation-less
    /// token and no EdgeNode is admitted and its EdgeNode created on first connect. Off (the
    /// default): only nodes whose EdgeNode exists connect, so deleting one ends its access for
    /// good (see `NodeAdmission`).
    public var adoptsLegacyNodes = false
    /// Datasets' `NodeReachable` writes per second (a node going offline marks each of its
    /// Datasets; 10,000 of them take 100 s at the default).
    public var reachabilityWritesPerSecond: Double = 100
    /// Watch only this namespace; `nil` watches all.
    public var namespace: String?
    /// Called once the hub listens, with the bound port.
    public var onHubListening: (@Sendable (Int) async -> Void)?

    public init(tls: TLSConfiguration, clusterSecret: ClusterSecret) {
        self.tls = tls
        self.clusterSecret = clusterSecret
    }

    /// The hub's TLS from a data directory's credentials: its serving certificate and CA.
    public init(credentials: ClusterCredentials) throws {
        self.init(tls: try credentials.serverTLSConfiguration(requestClientCertificates: false), clusterSecret: credentials.clusterSecret)
    }
}
