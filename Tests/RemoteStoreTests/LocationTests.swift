import Testing

@testable import RemoteStore

/// Parsing `s3://` and `https://` locations, Sedna-shaped Secrets and endpoint annotations,
/// and the exact requests built from them.
struct LocationTests {
    @Test func parsesS3AndHTTPS() throws {
        #expect(try RemoteLocation(parsing: "s3://my-bucket/models/v1/model.onnx") == .s3(bucket: "my-bucket", key: "models/v1/model.onnx"))
        #expect(try RemoteLocation(parsing: "s3://my-bucket") == .s3(bucket: "my-bucket", key: ""))
        guard case .http(let http) = try RemoteLocation(parsing: "https://Example.com:8443/a/b%20c?x=1") else {
            Issue.record("not http")
            return
        }
        #expect(http.host == "example.com")
        #expect(http.port == 8443)
        #expect(http.target == "/a/b%20c?x=1")
        #expect(http.authority == "example.com:8443")
        #expect(try HTTPLocation(parsing: "https://h").target == "/")
        #expect(try HTTPLocation(parsing: "https://h:443/x").authority == "h")
        #expect(RemoteLocation.isRemote("s3://b/k") && RemoteLocation.isRemote("HTTPS://x") && !RemoteLocation.isRemote("/data/x"))
    }

    @Test func plainHTTPNeedsTheFlag() throws {
        #expect(throws: RemoteError.self) { try RemoteLocation(parsing: "http://h/x") }
        do { _ = try RemoteLocation(parsing: "http://h/x") } catch { #expect(error.code == .invalidEndpoint) }
        #expect(try RemoteLocation(parsing: "http://h/x", allowInsecureHTTP: true).description == "http://h/x")
    }

    @Test(arguments: [
        "s3://ab/k", "s3://Bad_Bucket/k", "s3://-bucket/k", "s3://bucket-/k", "ftp://h/x", "https://user:pw@h/x",
        "https://h/x y", "https://h/x#frag", "https://:80/x", "https://h:0/x", "https://h:99999/x", "https://h/\u{e9}",
        "s3://bucket/a\u{1}b",
    ])
    func refusesBadLocations(_ url: String) {
        #expect(throws: RemoteError.self) { try RemoteLocation(parsing: url) }
    }

    @Test func boundsLengths() {
        let longKey = "s3://bucket/" + String(repeating: "k", count: RemoteLocation.maximumKeyLength + 1)
        #expect(throws: RemoteError.self) { try RemoteLocation(parsing: longKey) }
        let longURL = "https://h/" + String(repeating: "p", count: HTTPLocation.maximumLength)
        #expect(throws: RemoteError.self) { try RemoteLocation(parsing: longURL) }
        #expect(throws: RemoteError.self) { try RemoteLocation(parsing: "s3://" + String(repeating: "b", count: 64) + "/k") }
    }

    @Test func userInfoErrorDoesNotEchoThePassword() {
        do {
            _ = try RemoteLocation(parsing: "https://user:hunter2@h/x")
            Issue.record("accepted")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func credentialsFromASednaSecret() throws {
        let data: [String: [UInt8]] = ["ACCESS_KEY_ID": Array("AKID".utf8), "SECRET_ACCESS_KEY": Array("s3cr3t\n".utf8)]
        let credentials = try S3Credentials(secretData: data, secretName: "minio")
        #expect(credentials.accessKeyID == "AKID")
        #expect(credentials.secretAccessKey == "s3cr3t")
        #expect(credentials.sessionToken == nil)
        do {
            _ = try S3Credentials(secretData: ["ACCESS_KEY_ID": Array("AKID".utf8)], secretName: "minio")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidCredentials)
            #expect(error.message == "secret minio has no SECRET_ACCESS_KEY")
        }
        #expect(throws: RemoteError.self) {
            try S3Credentials(secretData: ["ACCESS_KEY_ID": [0xFF], "SECRET_ACCESS_KEY": [0x41]], secretName: "m")
        }
        #expect(throws: RemoteError.self) {
            try S3Credentials(accessKeyID: String(repeating: "A", count: 129), secretAccessKey: "x")
        }
    }

    @Test func endpointFromAnnotations() throws {
        let aws = try S3Endpoint(annotations: [:])
        #expect(aws.host == "s3.us-east-1.amazonaws.com" && aws.addressing == .virtualHosted && aws.useHTTPS)
        let minio = try S3Endpoint(annotations: ["s3-endpoint": "minio.local:9000", "s3-usehttps": "1"])
        #expect(minio.host == "minio.local" && minio.port == 9000 && minio.addressing == .path && minio.useHTTPS)
        #expect(minio.authority == "minio.local:9000")
        let url = try S3Endpoint(annotations: ["s3-endpoint": "https://ceph.example/", "s3-region": "eu-west-1", "s3-addressing": "virtual"])
        #expect(url.host == "ceph.example" && url.region == "eu-west-1" && url.addressing == .virtualHosted)
        #expect(throws: RemoteError.self) { try S3Endpoint(annotations: ["s3-endpoint": "minio:9000", "s3-usehttps": "0"]) }
        let insecure = try S3Endpoint(annotations: ["s3-endpoint": "minio:9000", "s3-usehttps": "0"], allowInsecureHTTP: true)
        #expect(!insecure.useHTTPS)
        #expect(throws: RemoteError.self) { try S3Endpoint(annotations: ["s3-usehttps": "maybe"]) }
        #expect(throws: RemoteError.self) { try S3Endpoint(annotations: ["s3-addressing": "sideways"]) }
        #expect(throws: RemoteError.self) { try S3Endpoint(annotations: ["s3-region": "US East"]) }
        #expect(throws: RemoteError.self) { try S3Endpoint(annotations: ["s3-endpoint": "bad host:9000"]) }
    }

    @Test func pathStyleRequestIsSignedAndEncoded() throws {
        let endpoint = try S3Endpoint(host: "127.0.0.1", port: 9000, addressing: .path)
        let credentials = try S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret")
        let source = try RemoteSource(location: .s3(bucket: "data", key: "dir/my file.txt"), endpoint: endpoint, credentials: credentials)
        let wire = source.objectRequest(method: "GET", headers: [("range", "bytes=5-")], date: AmzDate(secondsSince1970: 0))
        #expect(wire.url == "https://127.0.0.1:9000/data/dir/my%20file.txt")
        #expect(wire.header("host") == "127.0.0.1:9000")
        #expect(wire.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        let auth = try #require(wire.header("authorization"))
        #expect(auth.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/19700101/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature="))
        #expect(!auth.contains("secret"))
    }

    @Test func virtualHostedAndDottedBucketFallback() throws {
        let endpoint = try S3Endpoint.aws(region: "eu-central-1")
        let plain = try RemoteSource(location: .s3(bucket: "models", key: "m.onnx"), endpoint: endpoint)
        let wire = plain.objectRequest(method: "HEAD", date: AmzDate(secondsSince1970: 0))
        #expect(wire.url == "https://models.s3.eu-central-1.amazonaws.com/m.onnx")
        #expect(wire.header("authorization") == nil)
        let dotted = try RemoteSource(location: .s3(bucket: "my.models", key: "m.onnx"), endpoint: endpoint)
        #expect(dotted.objectRequest(method: "GET", date: AmzDate(secondsSince1970: 0)).url
            == "https://s3.eu-central-1.amazonaws.com/my.models/m.onnx")
        #expect(throws: RemoteError.self) { try RemoteSource(location: .s3(bucket: "abc", key: "k")) }
    }

    @Test func listRequestCarriesPrefixAndToken() throws {
        let endpoint = try S3Endpoint(host: "h", addressing: .path)
        let source = try RemoteSource(location: .s3(bucket: "data", key: "images/"), endpoint: endpoint,
            credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret"))
        let wire = source.listRequest(continuationToken: "a+b/c=", date: AmzDate(secondsSince1970: 0))
        #expect(wire.url == "https://h/data?list-type=2&prefix=images%2F&max-keys=1000&continuation-token=a%2Bb%2Fc%3D")
    }

    @Test func statusErrorsNameTheBucketNotTheSecret() throws {
        let endpoint = try S3Endpoint(host: "h")
        let credentials = try S3Credentials(accessKeyID: "AKID", secretAccessKey: "topsecret")
        let source = try RemoteSource(location: .s3(bucket: "data", key: "k"), endpoint: endpoint, credentials: credentials)
        let denied = RemoteClient.statusError(403, code: "SignatureDoesNotMatch", source: source)
        #expect(denied.message == "credentials for data were refused (403 SignatureDoesNotMatch)")
        #expect(denied.code == .accessDenied && !denied.isRetryable)
        let missing = RemoteClient.statusError(404, code: "NoSuchKey", source: source)
        #expect(missing.code == .notFound && missing.message == "s3://data/k: not found (404 NoSuchKey)")
        #expect(RemoteClient.statusError(503, code: nil, source: source).isRetryable)
    }

    @Test func contentRangeAndConditions() {
        let range = parseContentRange("bytes 10-19/100")
        #expect(range?.start == 10 && range?.end == 19 && range?.total == 100)
        #expect(parseContentRange("bytes 10-19/*")?.total == nil)
        #expect(parseContentRange("bytes 19-10/100") == nil)
        #expect(parseContentRange("bytes 10-100/100") == nil)
        let c = GetConditions(rangeStart: 42, ifRange: "\"e\"")
        #expect(c.headers.map(\.name) == ["range", "if-range"])
        #expect(c.headers.first?.value == "bytes=42-")
        #expect(GetConditions(rangeStart: 0, ifRange: "\"e\"").headers.isEmpty)
        #expect(ObjectInfo(etag: "W/\"x\"", lastModified: "Tue").validator == "Tue")
    }

    @Test func digests() throws {
        let hex = String(repeating: "ab", count: 32)
        #expect(try ContentDigest(parsing: "sha256:" + hex.uppercased()).hex == hex)
        #expect(throws: RemoteError.self) { try ContentDigest(parsing: "md5:" + hex) }
        #expect(throws: RemoteError.self) { try ContentDigest(parsing: "sha256:abc") }
    }
}
