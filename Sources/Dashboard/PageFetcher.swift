import JSON

/// One page of rows from the API, memory bounded by the page size whatever the collection's size.
///
/// Without a name prefix it is one API list call with `limit`. With one, it asks for exactly the
/// rows still missing each time (so no fetched row is ever skipped by the `continue` token) and
/// keeps only names with the prefix, for at most ``maximumCalls`` calls; the result's `continue`
/// resumes where it stopped.
struct PageFetcher {
    static let maximumCalls = 20

    struct Page: Sendable {
        var rows: [Row]
        /// The API's continue token for the next page, if any.
        var next: String?
        /// The list's resourceVersion: where the page's live stream starts.
        var resourceVersion: String?
        /// Objects looked at (more than `rows.count` when a prefix filtered some out).
        var scanned: Int
    }

    /// `list(limit, continue)` is one API list call returning the list object.
    static func fetch(
        kind: PageKind, query: PageQuery, list: (_ limit: Int, _ continue: String?) async throws -> JSONValue
    ) async throws -> Page {
        var rows: [Row] = []
        var next = query.continue
        var resourceVersion: String?
        var scanned = 0
        var calls = 0
        repeat {
            let want = query.limit - rows.count
            let list = try await list(want, next)
            calls += 1
            if resourceVersion == nil { resourceVersion = list["metadata"]?["resourceVersion"]?.stringValue }
            let items = list["items"]?.arrayValue ?? []
            scanned += items.count
            for item in items.prefix(want) {
                let row = kind.row(item)
                if let prefix = query.prefix, !row.name.hasPrefix(prefix) { continue }
                rows.append(row)
            }
            let token = list["metadata"]?["continue"]?.stringValue
            next = token?.isEmpty == false ? token : nil
        } while next != nil && rows.count < query.limit && query.prefix != nil && calls < maximumCalls
        if kind.newestFirst {
            rows.sort { ($0.cells["time"] ?? "", $0.key) > ($1.cells["time"] ?? "", $1.key) }
        }
        return Page(rows: rows, next: next, resourceVersion: resourceVersion, scanned: scanned)
    }
}
