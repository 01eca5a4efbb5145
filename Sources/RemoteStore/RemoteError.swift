/// Why a remote operation failed. A struct over a closed set of codes (cases can be added);
/// the message names the bucket, host or path involved and never a credential.
package struct RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidLocation, invalidCredentials, invalidEndpoint, accessDenied, notFound, unexpectedStatus,
                timedOut, digestMismatch, insufficientSpace, malformedResponse, tooLarge, fileSystem, transport
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A URL, bucket or key that is not acceptable.
        package static let invalidLocation = Code(.invalidLocation)
        /// A Secret missing a key, or a credential of the wrong shape.
        package static let invalidCredentials = Code(.invalidCredentials)
        /// A bad `s3-endpoint`/`s3-usehttps`/region, or plain HTTP without the flag allowing it.
        package static let invalidEndpoint = Code(.invalidEndpoint)
        /// 401/403: credentials refused or access denied. Not retried.
        package static let accessDenied = Code(.accessDenied)
        /// 404: no such object, key or bucket.
        package static let notFound = Code(.notFound)
        /// Any other HTTP status the operation cannot use.
        package static let unexpectedStatus = Code(.unexpectedStatus)
        /// No byte arrived for longer than the configured stall interval.
        package static let timedOut = Code(.timedOut)
        /// The downloaded bytes do not hash to the expected digest (the file was deleted).
        package static let digestMismatch = Code(.digestMismatch)
        /// The cache's file system lacks room for the object.
        package static let insufficientSpace = Code(.insufficientSpace)
        /// A response that does not parse, or contradicts the request (a wrong Content-Range).
        package static let malformedResponse = Code(.malformedResponse)
        /// A response beyond a configured bound (listing body, object size).
        package static let tooLarge = Code(.tooLarge)
        /// A local file-system call failed.
        package static let fileSystem = Code(.fileSystem)
        /// The connection failed (refused, reset, TLS).
        package static let transport = Code(.transport)
        package var description: String { base.rawValue }
    }

    package let code: Code
    package let message: String
    /// The HTTP status when the failure was an HTTP answer.
    package let status: Int?

    package init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// Whether trying again later may help (not for refused credentials, a missing object,
    /// a bad location or a digest mismatch: those need someone to change something).
    package var isRetryable: Bool {
        switch code {
        case .timedOut, .transport, .fileSystem: true
        case .unexpectedStatus: (status ?? 0) >= 500 || status == 429
        default: false
        }
    }

    package var description: String { message }
}
