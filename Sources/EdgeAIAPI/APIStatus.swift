/// The Kubernetes `Status` object: every API error, and the answer to a delete.
public struct APIStatus: Codable, Sendable, Hashable, Error, CustomStringConvertible {
    public var kind: String = "Status"
    public var apiVersion: String = "v1"
    public var metadata: ListMeta = ListMeta()
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    /// Machine-readable cause, e.g. NotFound, AlreadyExists, Conflict, Invalid, Expired.
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int?

    public init(
        status: String? = "Failure", message: String? = nil, reason: String? = nil,
        details: StatusDetails? = nil, code: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    public var description: String { message ?? reason ?? "status \(code ?? 0)" }
}

public struct StatusDetails: Codable, Sendable, Hashable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?
    public var retryAfterSeconds: Int?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil, causes: [StatusCause]? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.uid = uid
        self.causes = causes
    }
}

/// One reason an object is invalid, with the field path it concerns.
public struct StatusCause: Codable, Sendable, Hashable {
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String?, message: String?, field: String?) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}
