package import EdgeAIPKI
package import EdgeSync
package import NIOSSL

/// How the cloud controller and its hub run.
package struct CloudControllerConfiguration: Sendable {
    /// Address the hub listens on.
    package var hubHost: String = "0.0.0.0"
    /// The hub's port; 0 picks a free one (``onHubListening`` receives it).
    package var hubPort: Int = HubEndpoint.defaultPort
    /// The hub's TLS: a serving certificate from the cluster CA (whose PEM is `<data-dir>/ca.crt`).
    package var tls: TLSConfiguration
    /// Verifies node tokens.
    package var clusterSecret: ClusterSecret
    /// Keys a rotation replaced whose tokens are still accepted (their grace has not ended).
    package var retiredSecrets: [ClusterSecret] = []
    /// Session limits and timers.
    package var hub = HubConfiguration()
    /// How long a closed connection waits for the peer's close before the socket is dropped.
    package var closeTimeout: Duration = .seconds(5)
    /// Keep an EdgeNode per node (created on first connect, status written by the hub). Off
    /// only for a cluster without the EdgeNode CRD.
    package var keepsEdgeNodes = true
    /// Opt-in, for a fleet provisioned before token generations: a node with a generation-less
    /// token and no EdgeNode is admitted and its EdgeNode created on first connect. Off (the
    /// default): only nodes whose EdgeNode exists connect, so deleting one ends its access for
    /// good (see `NodeAdmission`).
    package var adoptsLegacyNodes = false
    /// Datasets' `NodeReachable` writes per second (a node going offline marks each of its
    /// Datasets; 10,000 of them take 100 s at the default).
    package var reachabilityWritesPerSecond: Double = 100
    /// Watch only this namespace; `nil` watches all.
    package var namespace: String?
    /// Called once the hub listens, with the bound port.
    package var onHubListening: (@Sendable (Int) async -> Void)?

    package init(tls: TLSConfiguration, clusterSecret: ClusterSecret) {
        self.tls = tls
        self.clusterSecret = clusterSecret
    }

    /// The hub's TLS from a data directory's credentials: its serving certificate and CA.
    package init(credentials: ClusterCredentials) throws {
        self.init(tls: try credentials.serverTLSConfiguration(requestClientCertificates: false), clusterSecret: credentials.clusterSecret)
    }
}
