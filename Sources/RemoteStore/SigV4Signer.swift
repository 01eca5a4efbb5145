import Crypto

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), written on swift-crypto: canonical request,
/// string to sign, signing key, signature and `Authorization` header.
///
/// Pure: no clock, no I/O; the caller passes the time. Paths and query items are given
/// *decoded* and encoded here once with AWS's rule (RFC 3986 unreserved bytes kept, every other
/// UTF-8 byte `%XX`, `/` kept in paths), which is what S3 expects; it does not normalise `.`/`..`
/// path segments (S3 keys may contain them). The secret only ever enters the HMAC chain: no
/// value it returns or throws contains it.
package struct SigV4Signer: Sendable {
    /// The hash S3 accepts in `x-amz-content-sha256` for a payload it should not check.
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty string.
    package static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    package var credentials: S3Credentials
    package var region: String
    package var service: String

    package init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The canonical request and its signed-headers list (lower-case names joined by `;`).
    package func canonicalRequest(_ request: SigV4Request) -> (text: String, signedHeaders: String) {
        let uri = Self.encodePath(request.path)
        let encoded: [(name: String, value: String)] = request.query.map { (Self.encode($0.name), Self.encode($0.value)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.name == b.name ? a.value < b.value : a.name < b.name }
        let query = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var merged: [String: [String]] = [:]
        for (name, value) in request.headers {
            merged[name.lowercased(), default: []].append(Self.trimHeaderValue(value))
        }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        let text = [request.method, uri, query, canonicalHeaders, signed, request.payloadHash].joined(separator: "\n")
        return (text, signed)
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    package func scope(date: AmzDate) -> String {
        "\(date.day)/\(region)/\(service)/aws4_request"
    }

    /// The string to sign for a canonical request at `date`.
    package func stringToSign(canonicalRequest: String, date: AmzDate) -> String {
        let hash = Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))
        return "AWS4-HMAC-SHA256\n\(date.timestamp)\n\(scope(date: date))\n\(hash)"
    }

    /// The hex signature of `stringToSign` with the key derived for `date`'s day.
    package func signature(stringToSign: String, date: AmzDate) -> String {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [date.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    /// The `Authorization` header value for `request` as it stands (its headers must already
    /// hold `host`, `x-amz-date` and whatever else is to be signed).
    package func authorization(for request: SigV4Request, date: AmzDate) -> String {
        let (canonical, signedHeaders) = canonicalRequest(request)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date: date)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256` (S3 only), `x-amz-security-token` (with a
    /// session token) and `authorization` to `request`, signing all its headers.
    package func sign(_ request: inout SigV4Request, date: AmzDate) {
        request.headers.removeAll { ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"].contains($0.name.lowercased()) }
        request.headers.append(("x-amz-date", date.timestamp))
        if service == "s3" { request.headers.append(("x-amz-content-sha256", request.payloadHash)) }
        if let token = credentials.sessionToken { request.headers.append(("x-amz-security-token", token)) }
        let value = authorization(for: request, date: date)
        request.headers.append(("authorization", value))
    }

    // MARK: - Encoding

    /// AWS URI encoding of one string (also `/`).
    package static func encode(_ string: String) -> String {
        encode(string, keepSlash: false)
    }

    /// AWS URI encoding of a path: every segment encoded, `/` kept; empty is `/`.
    package static func encodePath(_ path: String) -> String {
        path.isEmpty ? "/" : encode(path, keepSlash: true)
    }

    static func encode(_ string: String, keepSlash: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(string.utf8.count)
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: "/") where keepSlash:
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Trims a header value and collapses runs of spaces to one, as the canonical form wants.
    static func trimHeaderValue(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in value {
            if ch == " " || ch == "\t" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(ch)
            }
        }
        return out
    }

    /// Lower-case hex of bytes.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
