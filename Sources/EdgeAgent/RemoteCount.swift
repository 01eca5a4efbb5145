/// A remote dataset's count: samples, bytes read (or listed), where from and which version.
package struct RemoteCount: Equatable, Sendable {
    package var samples: Int
    package var bytes: Int64
    /// `s3://bucket/key`, or the `https://` URL without its query (which may hold a signature).
    package var source: String
    /// The ETag, or the Last-Modified date when there is none; nil for an S3 prefix.
    package var version: String?

    package init(samples: Int, bytes: Int64, source: String, version: String?) {
        self.samples = samples
        self.bytes = bytes
        self.source = source
        self.version = version
    }
}

/// Why a remote dataset has no count: the `Ready` reason (`AccessDenied`, `NotFound`,
/// `NotAllowed`, `CredentialsInvalid`, `Unreachable`, `Timeout`, `ParseError`, `TooLarge`,
/// `RemoteError`) and a message naming the location, never a credential.
package struct RemoteFailure: Equatable, Sendable {
    package var reason: String
    package var message: String
    package var source: String?

    package init(reason: String, message: String, source: String?) {
        self.reason = reason
        self.message = message
        self.source = source
    }
}
