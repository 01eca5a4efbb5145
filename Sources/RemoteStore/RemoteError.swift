/// Why a remote operation failed. A struct over a closed set of codes (cases can be added);
/// the message names the bucket, host or path involved and never a credential.
public struct RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidLocation, invalidCredentials, invalidEndpoint, accessDenied, notFound, unexpectedStatus,
                timedOut, digestMismatch, insufficientSpace, malformedResponse, tooLarge, fileSystem, transport
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A URL, bucket or key that is not acceptable.
        public static let invalidLocation = Code(.invalidLocation)
        /// A Secret missing a key, or a credential of the wrong shape.
        public static let invalidCredentials = Code(.invalidCredentials)
        /// A bad `s3-endpoint`/`s3-usehttps`/region, or plain HTTP without the flag allowing it.
        public static let invalidEndpoint = Code(.invalidEndpoint)
        /// 401/403: credentials refused or access denied. Not retried.
        public static let accessDenied = Code(.accessDenied)
        /// 404: no such object, key or bucket.
        public static let notFound = Code(.notFound)
        /// Any other HTTP status the operation cannot use.
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// No byte arrived for longer than the configured stall interval.
        public static let timedOut = Code(.timedOut)
        /// The downloaded bytes do not hash to the expected digest (the file was deleted).
        public static let digestMismatch = Code(.digestMismatch)
        /// The cache's file system lacks room for the object.
        public static let insufficientSpace = Code(.insufficientSpace)
        /// A response that does not parse, or contradicts the request (a wrong Content-Range).
        public static let malformedResponse = Code(.malformedResponse)
        /// A response beyond a configured bound (listing body, object size).
        public static let tooLarge = Code(.tooLarge)
        /// A local file-system call failed.
        public static let fileSystem = Code(.fileSystem)
        /// The connection failed (refused, reset, TLS).
        public static let transport = Code(.transport)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The HTTP status when the failure was an HTTP answer.
    public let status: Int?

    public init(_ code: Code, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// Whether trying again later may help (not for refused credentials, a missing object,
    /// a bad location or a digest mismatch: those need someone to change something).
    public var isRetryable: Bool {
        switch code {
        case .timedOut, .transport, .fileSystem: true
        case .unexpectedStatus: (status ?? 0) >= 500 || status == 429
        default: false
        }
    }

    public var description: String { message }
}
