/// A remote dataset's count: samples, bytes read (or listed), where from and which version.
public struct RemoteCount: Equatable, Sendable {
    public var samples: Int
    public var bytes: Int64
    /// `s3://bucket/key`, or the `https://` URL without its query (which may hold a signature).
    public var source: String
    /// The ETag, or the Last-Modified date when there is none; nil for an S3 prefix.
    public var version: String?

    public init(samples: Int, bytes: Int64, source: String, version: String?) {
        self.samples = samples
        self.bytes = bytes
        self.source = source
        self.version = version
    }
}

/// Why a remote dataset has no count: the `Ready` reason (`AccessDenied`, `NotFound`,
/// `NotAllowed`, `CredentialsInvalid`, `Unreachable`, `Timeout`, `ParseError`, `TooLarge`,
/// `RemoteError`) and a message naming the location, never a credential.
public struct RemoteFailure: Equatable, Sendable {
    public var reason: String
    public var message: String
    public var source: String?

    public init(reason: String, message: String, source: String?) {
        self.reason = reason
        self.message = message
        self.source = source
    }
}
