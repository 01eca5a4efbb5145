/// A list page's query: filters passed to the API server (namespace, label and field selectors),
/// the name prefix filtered here, and the page position. Bounded: each text at most
/// ``maximumLength`` bytes, `limit` within 1…``maximumLimit``.
struct PageQuery: Sendable, Equatable {
    static let defaultLimit = 100
    static let maximumLimit = 500
    static let maximumLength = 1024

    var namespace: String?
    var labelSelector: String?
    var fieldSelector: String?
    /// Only names starting with this (the API has no prefix filter; see ``PageFetcher``).
    var prefix: String?
    var `continue`: String?
    var limit = defaultLimit

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Reads the query items of a request; unknown names are ignored, over-long or malformed
    /// values are refused with a message naming the parameter (never quoting it).
    init(items: [(String, String)]) throws(Invalid) {
        for (name, value) in items {
            guard value.utf8.count <= Self.maximumLength else {
                throw Invalid(description: "\(name) is longer than \(Self.maximumLength) bytes")
            }
            let text: String? = value.isEmpty ? nil : value
            switch name {
            case "namespace": namespace = text
            case "labelSelector": labelSelector = text
            case "fieldSelector": fieldSelector = text
            case "prefix": prefix = text
            case "continue": self.continue = text
            case "limit":
                guard let number = Int(value), (1...Self.maximumLimit).contains(number) else {
                    throw Invalid(description: "limit must be a number from 1 to \(Self.maximumLimit)")
                }
                limit = number
            default: continue
            }
        }
        if let namespace, !Self.isDNSLabel(namespace) {
            throw Invalid(description: "namespace is not a valid namespace name")
        }
    }

    init() {}

    /// The filters as query items (for links and the live stream), without the page position.
    var filterItems: [(String, String?)] {
        [("namespace", namespace), ("labelSelector", labelSelector), ("fieldSelector", fieldSelector), ("prefix", prefix)]
    }

    /// The filters with `limit` unless it is the default.
    var linkItems: [(String, String?)] {
        filterItems + [("limit", limit == Self.defaultLimit ? nil : String(limit))]
    }

    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        func alnum(_ b: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }
}
