/// Where S3 requests go: scheme, host, port, region and addressing style.
///
/// Built from a Secret's annotations in Sedna's shape — `s3-endpoint` (`host[:port]`, or a
/// URL) and `s3-usehttps` (`1`/`0`, default `1`) — plus two optional ones Sedna lacks:
/// `s3-region` (default `us-east-1`) and `s3-addressing` (`path` or `virtual`). Without an
/// endpoint it is AWS (`s3.<region>.amazonaws.com`, virtual-hosted); a custom endpoint (MinIO,
/// Ceph, on-site S3) defaults to path-style, which they all serve. Plain HTTP needs
/// `allowInsecureHTTP`.
package struct S3Endpoint: Sendable, Equatable {
    package enum Addressing: String, Sendable, Equatable {
        /// `https://host/bucket/key`.
        case path
        /// `https://bucket.host/key`.
        case virtualHosted = "virtual"
    }

    package static let endpointAnnotation = "s3-endpoint"
    package static let useHTTPSAnnotation = "s3-usehttps"
    package static let regionAnnotation = "s3-region"
    package static let addressingAnnotation = "s3-addressing"
    /// Every annotation an endpoint is read from.
    package static let annotationKeys: Set<String> = [endpointAnnotation, useHTTPSAnnotation, regionAnnotation, addressingAnnotation]
    package static let maximumHostLength = 253

    package let useHTTPS: Bool
    package let host: String
    package let port: Int?
    package let region: String
    package let addressing: Addressing

    package init(useHTTPS: Bool = true, host: String, port: Int? = nil, region: String = "us-east-1",
        addressing: Addressing = .path, allowInsecureHTTP: Bool = false) throws(RemoteError)
    {
        guard useHTTPS || allowInsecureHTTP else {
            throw RemoteError(.invalidEndpoint, "S3 endpoint \(host) is plain HTTP, which this agent was not started to allow")
        }
        try HTTPLocation.checkHost(host)
        if let port, !(1...65535).contains(port) {
            throw RemoteError(.invalidEndpoint, "S3 endpoint port \(port) is outside 1-65535")
        }
        guard !region.isEmpty, region.utf8.count <= 64,
            region.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw RemoteError(.invalidEndpoint, "S3 region \"\(region.prefix(64))\" is not a region name") }
        self.useHTTPS = useHTTPS
        self.host = host.lowercased()
        self.port = port
        self.region = region
        self.addressing = addressing
    }

    /// AWS S3 in `region`, virtual-hosted.
    package static func aws(region: String = "us-east-1") throws(RemoteError) -> S3Endpoint {
        try S3Endpoint(host: "s3.\(region).amazonaws.com", region: region, addressing: .virtualHosted)
    }

    /// From a Secret's annotations (see the type's documentation).
    package init(annotations: [String: String], allowInsecureHTTP: Bool = false) throws(RemoteError) {
        let region = annotations[Self.regionAnnotation] ?? "us-east-1"
        var useHTTPS = true
        if let flag = annotations[Self.useHTTPSAnnotation] {
            switch flag.lowercased() {
            case "1", "true", "yes", "on": useHTTPS = true
            case "0", "false", "no", "off": useHTTPS = false
            default:
                throw RemoteError(.invalidEndpoint, "annotation \(Self.useHTTPSAnnotation) is \"\(flag.prefix(16))\", want 1 or 0")
            }
        }
        var addressing: Addressing?
        if let style = annotations[Self.addressingAnnotation] {
            guard let parsed = Addressing(rawValue: style) else {
                throw RemoteError(.invalidEndpoint, "annotation \(Self.addressingAnnotation) is \"\(style.prefix(16))\", want path or virtual")
            }
            addressing = parsed
        }
        guard var endpoint = annotations[Self.endpointAnnotation], !endpoint.isEmpty else {
            let aws = try S3Endpoint.aws(region: region)
            try self.init(host: aws.host, region: region, addressing: addressing ?? .virtualHosted)
            return
        }
        guard endpoint.utf8.count <= Self.maximumHostLength + 16 else {
            throw RemoteError(.invalidEndpoint, "annotation \(Self.endpointAnnotation) is longer than \(Self.maximumHostLength + 16) bytes")
        }
        // A URL in the annotation: its scheme wins over s3-usehttps.
        if endpoint.hasPrefix("https://") {
            useHTTPS = true
            endpoint.removeFirst(8)
        } else if endpoint.hasPrefix("http://") {
            useHTTPS = false
            endpoint.removeFirst(7)
        }
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        let (host, port) = try HTTPLocation.splitHostPort(endpoint, what: "S3 endpoint")
        try self.init(useHTTPS: useHTTPS, host: host, port: port, region: region, addressing: addressing ?? .path,
            allowInsecureHTTP: allowInsecureHTTP)
    }

    /// `host[:port]` as the `Host` header says it (the port only when not the scheme's default).
    package var authority: String {
        guard let port, port != (useHTTPS ? 443 : 80) else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
