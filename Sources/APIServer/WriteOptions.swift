import EdgeAIAPI

/// Per-request write options from the query string.
struct WriteOptions: Sendable {
    enum FieldValidation: String, Sendable {
        case strict = "Strict", warn = "Warn", ignore = "Ignore"
    }

    var dryRun = false
    var fieldValidation = FieldValidation.warn
    var fieldManager: String?

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
    }

    init() {}
}

/// A write's answer: HTTP status, body bytes and `Warning` header texts.
struct WriteResult: Sendable {
    var status: Int
    var body: [UInt8]
    var warnings: [String] = []
}
