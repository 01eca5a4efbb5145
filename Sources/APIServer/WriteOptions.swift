import EdgeAIAPI

/// Per-request write options from the query string.
struct WriteOptions: Sendable {
    enum FieldValidation: String, Sendable {
        case strict = "Strict", warn = "Warn", ignore = "Ignore"
    }

    var dryRun = false
    var fieldValidation = FieldValidation.warn
    var fieldManager: String?
    /// `force=true`: an apply takes fields other managers own instead of failing with a conflict.
    var force = false
    /// The request's User-Agent, whose executable name is the manager when `fieldManager` is absent.
    var userAgent: String?

    /// The manager this write is recorded under (kube's `managerOrUserAgent`).
    var manager: String {
        if let fieldManager, !fieldManager.isEmpty { return fieldManager }
        return FieldManagerName.fromUserAgent(userAgent)
    }

    init(query: QueryParameters) throws {
        if let d = query["dryRun"] {
            guard d == "All" else { throw APIError.badRequest("Invalid dryRun value: \(APIError.quote(d)); supported values: All") }
            dryRun = true
        }
        if let v = query["fieldValidation"], !v.isEmpty {
            guard let parsed = FieldValidation(rawValue: v) else {
                throw APIError.badRequest("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \(APIError.quote(v))")
            }
            fieldValidation = parsed
        }
        fieldManager = query["fieldManager"]
        if let f = query["force"] { force = f == "true" || f == "1" }
    }

    init() {}
}

/// A write's answer: HTTP status, body bytes and `Warning` header texts.
struct WriteResult: Sendable {
    var status: Int
    var body: [UInt8]
    var warnings: [String] = []
}
