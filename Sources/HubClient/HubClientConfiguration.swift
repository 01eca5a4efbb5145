package import EdgeSync

/// Where and how an agent reaches its hub.
package struct HubClientConfiguration: Sendable {
    /// `wss://host:port`; ``HubEndpoint/path`` is appended when the URL has no path.
    package var url: String
    /// The node token (`edgeai token create --node NAME`), sent as `Authorization: Bearer`.
    package var token: String
    /// PEM of the CA the hub's certificate must chain to (the cloud's `<data-dir>/ca.crt`). The
    /// hub's name is verified against the URL's host.
    package var caPEM: String
    package var link: EdgeLinkConfiguration
    /// How long to wait for the hub to answer a close before dropping the socket.
    package var closeTimeout: Duration = .seconds(5)
    /// Where the token came from, named when the hub refuses it (e.g. the token file's path).
    package var tokenSource = "the node token"
    /// Where the CA came from, named when the hub's certificate does not verify against it.
    package var caSource = "the hub CA"

    package init(url: String /* "wss://host:port" */, token: String, caPEM: String, link: EdgeLinkConfiguration) {
        self.url = url
        self.token = token
        self.caPEM = caPEM
        self.link = link
    }

    /// The URL's host (without brackets for IPv6), or `nil` when there is none.
    var host: String? {
        let parts = url.split(separator: "://", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let authority = parts[1].prefix { $0 != "/" && $0 != "?" }
        if authority.hasPrefix("[") {
            return authority.dropFirst().split(separator: "]", maxSplits: 1).first.map(String.init)
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    /// Whether the host is an IP literal (TLS cannot send it as SNI).
    var hostIsIPAddress: Bool {
        guard let host else { return false }
        if host.contains(":") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The URL with the endpoint path.
    var endpointURL: String {
        let parts = url.split(separator: "://", maxSplits: 1)
        let rest = parts.count == 2 ? parts[1] : parts.first ?? ""
        return rest.contains("/") ? url : url + HubEndpoint.path
    }
}
