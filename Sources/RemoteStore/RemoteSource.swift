/// A remote location together with how to reach it: the S3 endpoint and credentials for
/// `s3://` (anonymous when `credentials` is nil), nothing more for `https://`.
///
/// Turns requests into ``WireRequest``s — pure, so the exact bytes signed are tested
/// without sockets.
package struct RemoteSource: Sendable, Equatable, CustomStringConvertible {
    package let location: RemoteLocation
    package let endpoint: S3Endpoint?
    package let credentials: S3Credentials?

    /// - Throws: ``RemoteError/Code/invalidEndpoint`` for an `s3://` location without an endpoint.
    package init(location: RemoteLocation, endpoint: S3Endpoint? = nil, credentials: S3Credentials? = nil) throws(RemoteError) {
        if case .s3(let bucket, _) = location, endpoint == nil {
            throw RemoteError(.invalidEndpoint, "s3://\(bucket) needs an S3 endpoint")
        }
        self.location = location
        self.endpoint = endpoint
        self.credentials = credentials
    }

    package var description: String { location.description }

    /// The object request (`HEAD`/`GET`) for this location with extra `headers`.
    package func objectRequest(method: String, headers: [(name: String, value: String)] = [], date: AmzDate) -> WireRequest {
        switch location {
        case .s3(let bucket, let key): s3Request(method: method, bucket: bucket, key: key, query: [], headers: headers, date: date)
        case .http(let http):
            WireRequest(method: method, url: http.description, headers: [("host", http.authority)] + headers)
        }
    }

    /// A ListObjectsV2 request for `prefix` (this location's key when nil) in this bucket.
    /// - Precondition: an `s3://` location.
    package func listRequest(prefix: String? = nil, continuationToken: String?, maxKeys: Int = 1000, date: AmzDate) -> WireRequest {
        guard case .s3(let bucket, let key) = location else {
            preconditionFailure("listRequest on a non-S3 location")
        }
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix ?? key), ("max-keys", String(maxKeys))]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        return s3Request(method: "GET", bucket: bucket, key: nil, query: query, headers: [], date: date)
    }

    /// The bucket name for messages (`s3://bucket`) or the host for HTTPS.
    var subject: String {
        switch location {
        case .s3(let bucket, _): bucket
        case .http(let http): http.host
        }
    }

    private func s3Request(method: String, bucket: String, key: String?, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], date: AmzDate) -> WireRequest
    {
        // `preconditionFailure` is unreachable: init refuses s3 without an endpoint.
        guard let endpoint else { preconditionFailure("s3 location without endpoint") }
        // A dotted bucket cannot be virtual-hosted over TLS (the wildcard certificate covers one
        // label), so it falls back to path-style, as the AWS SDKs do.
        let virtual = endpoint.addressing == .virtualHosted && !(endpoint.useHTTPS && bucket.contains("."))
        let host = virtual ? "\(bucket).\(endpoint.authority)" : endpoint.authority
        let path = virtual ? "/" + (key ?? "") : "/\(bucket)" + (key.map { "/" + $0 } ?? "")
        var request = SigV4Request(method: method, path: path, query: query,
            headers: [("host", host)] + headers, payloadHash: SigV4Signer.unsignedPayload)
        if let credentials {
            SigV4Signer(credentials: credentials, region: endpoint.region).sign(&request, date: date)
        }
        let queryText = query.map { "\(SigV4Signer.encode($0.name))=\(SigV4Signer.encode($0.value))" }.joined(separator: "&")
        let url = (endpoint.useHTTPS ? "https://" : "http://") + host + SigV4Signer.encodePath(path)
            + (queryText.isEmpty ? "" : "?" + queryText)
        return WireRequest(method: method, url: url, headers: request.headers)
    }
}

/// An HTTP request as it goes on the wire: method, absolute URL, every header (`host` too).
package struct WireRequest: Sendable {
    package var method: String
    package var url: String
    package var headers: [(name: String, value: String)]

    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
