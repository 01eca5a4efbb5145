/// A dataset's or model's remote address: `s3://bucket/key` (a key prefix for `dir`
/// datasets) or an `https://` URL (`http://` only when allowed).
package enum RemoteLocation: Sendable, Equatable, CustomStringConvertible {
    case s3(bucket: String, key: String)
    case http(HTTPLocation)

    package static let maximumKeyLength = 1024

    /// Whether `url` names a remote location (rather than a local path) at all.
    package static func isRemote(_ url: String) -> Bool {
        let lower = url.prefix(8).lowercased()
        return lower.hasPrefix("s3://") || lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    /// - Throws: ``RemoteError/Code/invalidLocation`` naming what is wrong.
    package init(parsing url: String, allowInsecureHTTP: Bool = false) throws(RemoteError) {
        guard url.hasPrefix("s3://") else {
            self = .http(try HTTPLocation(parsing: url, allowInsecureHTTP: allowInsecureHTTP))
            return
        }
        let rest = url.dropFirst(5)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let bucket = String(rest[..<slash])
        let key = slash == rest.endIndex ? "" : String(rest[rest.index(after: slash)...])
        try Self.checkBucket(bucket)
        guard key.utf8.count <= Self.maximumKeyLength else {
            throw RemoteError(.invalidLocation, "s3://\(bucket): key is longer than \(Self.maximumKeyLength) bytes")
        }
        guard key.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw RemoteError(.invalidLocation, "s3://\(bucket): key holds a control character")
        }
        self = .s3(bucket: bucket, key: key)
    }

    /// S3 bucket naming rules: 3–63 of `a-z 0-9 . -`, starting and ending with a letter or digit.
    static func checkBucket(_ bucket: String) throws(RemoteError) {
        let bytes = Array(bucket.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard (3...63).contains(bytes.count), bytes.allSatisfy({ alnum($0) || $0 == 0x2E || $0 == 0x2D }),
            let first = bytes.first, let last = bytes.last, alnum(first), alnum(last)
        else {
            throw RemoteError(.invalidLocation,
                "s3 bucket \"\(bucket.prefix(64))\" is not a bucket name (3-63 of a-z, 0-9, '.', '-')")
        }
    }

    package var description: String {
        switch self {
        case .s3(let bucket, let key): "s3://\(bucket)/\(key)"
        case .http(let location): location.description
        }
    }
}
