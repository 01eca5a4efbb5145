public import EdgeAIAPI

/// An error from the API server or from reaching it.
///
/// API errors carry the server's `Status` (reason, message, causes); ``Kind/gone`` is a 410 /
/// `Expired` (a watch or continue token older than the server's history) and must be handled by
/// relisting. Network errors have code 0 and keep the underlying error's description.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered with a failure `Status` or an error code.
        case api
        /// 410 Gone / reason `Expired`: the requested resourceVersion is no longer in history.
        case gone
        /// The server could not be reached, or the connection broke.
        case network
        /// The server's answer could not be decoded.
        case decoding
    }

    public var kind: Kind
    /// HTTP status code (or the `Status`'s code); 0 for network errors.
    public var code: Int
    /// The `Status` reason, e.g. NotFound, AlreadyExists, Conflict, Invalid, Expired.
    public var reason: String
    public var message: String
    /// Field-level causes of an `Invalid` error.
    public var causes: [StatusCause]
    /// The server's `Status`, when it sent one.
    public var status: APIStatus?
    /// The server's `Retry-After`, when it sent one.
    public var retryAfter: Duration?

    public init(
        kind: Kind, code: Int, reason: String, message: String, causes: [StatusCause] = [],
        status: APIStatus? = nil, retryAfter: Duration? = nil
    ) {
        self.kind = kind
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
        self.status = status
        self.retryAfter = retryAfter
    }

    /// An error from a `Status` the server sent (`httpCode` is used when the Status has none).
    public init(status: APIStatus, httpCode: Int, retryAfter: Duration? = nil) {
        let code = status.code ?? httpCode
        let reason = status.reason ?? Self.defaultReason(code)
        self.init(
            kind: code == 410 || reason == "Expired" || reason == "Gone" ? .gone : .api, code: code, reason: reason,
            message: status.message ?? reason, causes: status.details?.causes ?? [], status: status, retryAfter: retryAfter)
    }

    static func network(_ error: any Error) -> KubeError {
        KubeError(kind: .network, code: 0, reason: "NetworkError", message: String(describing: error))
    }

    static func decoding(_ what: String, _ error: any Error) -> KubeError {
        KubeError(kind: .decoding, code: 0, reason: "DecodeError", message: "cannot decode \(what): \(error)")
    }

    public var isNotFound: Bool { kind == .api && (code == 404 || reason == "NotFound") }
    public var isConflict: Bool { kind == .api && (code == 409 && reason != "AlreadyExists" || reason == "Conflict") }
    public var isAlreadyExists: Bool { reason == "AlreadyExists" }
    public var isGone: Bool { kind == .gone }
    public var isInvalid: Bool { code == 422 || reason == "Invalid" }
    public var isUnauthorized: Bool { code == 401 }
    public var isForbidden: Bool { code == 403 }
    public var isNetwork: Bool { kind == .network }

    public var description: String {
        var text = code == 0 ? "\(reason): \(message)" : "\(code) \(reason): \(message)"
        for cause in causes {
            text += "\n  \(cause.field ?? ""): \(cause.message ?? cause.reason ?? "")"
        }
        return text
    }

    static func defaultReason(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 409: "Conflict"
        case 410: "Expired"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}
