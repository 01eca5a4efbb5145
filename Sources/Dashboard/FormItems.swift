import EdgeAICore

/// The dashboard's form bodies and query strings (``FormDecoding``), at most ``maximumItems``
/// items read.
enum FormItems {
    static let maximumItems = 32

    static func parse(_ text: String) -> [(String, String)] { FormDecoding.pairs(text, limit: maximumItems) }

    static func decode(_ text: Substring) -> String { FormDecoding.decode(text) }
}
