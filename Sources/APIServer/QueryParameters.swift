import EdgeAICore

/// The decoded query string of a request (`+` is a space, `%XX` escapes decoded, as Go's
/// `url.ParseQuery`). The last value wins for a repeated key.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for (key, value) in FormDecoding.pairs(query) { values[key] = value }
    }

    subscript(key: String) -> String? { values[key] }

    /// `true` for `1`, `true`, `True`; as Go's `strconv.ParseBool` accepts.
    func flag(_ key: String) -> Bool {
        guard let v = values[key] else { return false }
        return ["1", "t", "T", "true", "TRUE", "True"].contains(v)
    }

    func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }
}
