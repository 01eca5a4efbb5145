/// What a HEAD or GET answer says about an object.
package struct ObjectInfo: Sendable, Equatable {
    /// The whole object's size when known (`Content-Length` of a 200, the total of a 206's
    /// `Content-Range`).
    package var size: Int64?
    package var etag: String?
    package var lastModified: String?
    /// Whether the server said it serves byte ranges.
    package var acceptsRanges: Bool

    package init(size: Int64? = nil, etag: String? = nil, lastModified: String? = nil, acceptsRanges: Bool = false) {
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.acceptsRanges = acceptsRanges
    }

    /// The validator for `If-Range`/`If-None-Match`: the ETag when strong, else Last-Modified.
    package var validator: String? {
        if let etag, !etag.hasPrefix("W/") { return etag }
        return lastModified
    }
}

/// Conditions on a GET: a byte range and the validators that make it conditional.
package struct GetConditions: Sendable, Equatable {
    /// `Range: bytes=N-`.
    package var rangeStart: Int64?
    /// `If-Range`: send the range only if the object still has this validator (else a 200).
    package var ifRange: String?
    /// `If-None-Match`: answer 304 if the ETag still matches.
    package var ifNoneMatch: String?
    /// `If-Modified-Since`: answer 304 if not modified since this HTTP date.
    package var ifModifiedSince: String?

    package init(rangeStart: Int64? = nil, ifRange: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil) {
        self.rangeStart = rangeStart
        self.ifRange = ifRange
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
    }

    var headers: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if let rangeStart, rangeStart > 0 { out.append(("range", "bytes=\(rangeStart)-")) }
        if let ifRange, rangeStart ?? 0 > 0 { out.append(("if-range", ifRange)) }
        if let ifNoneMatch { out.append(("if-none-match", ifNoneMatch)) }
        if let ifModifiedSince { out.append(("if-modified-since", ifModifiedSince)) }
        return out
    }
}

/// Parses `bytes START-END/TOTAL` (TOTAL may be `*`).
func parseContentRange(_ value: String) -> (start: Int64, end: Int64, total: Int64?)? {
    guard value.hasPrefix("bytes ") else { return nil }
    let parts = value.dropFirst(6).split(separator: "/", maxSplits: 1)
    guard parts.count == 2 else { return nil }
    let range = parts[0].split(separator: "-", maxSplits: 1)
    guard range.count == 2, let start = Int64(range[0]), let end = Int64(range[1]), start <= end else { return nil }
    if parts[1] == "*" { return (start, end, nil) }
    guard let total = Int64(parts[1]), total > end else { return nil }
    return (start, end, total)
}
