/// What a partial download left for a resume: the object's validator and size when it began.
///
/// Kept beside the `.partial` file as `<destination>.partial.meta` (three `key=value` lines). A
/// resume sends `Range: bytes=<partial size>-` with `If-Range: <validator>`; a changed object
/// answers 200 and the download restarts from 0. Without a validator there is no resume.
struct PartialDownload: Equatable {
    static let maximumBytes = 8192

    var validator: String
    var total: Int64?
    var url: String

    func encoded() -> [UInt8] {
        Array("validator=\(validator)\ntotal=\(total.map(String.init) ?? "")\nurl=\(url)\n".utf8)
    }

    /// Nil for anything unreadable (the partial file is then discarded, never trusted).
    init?(decoding bytes: [UInt8]) {
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { return nil }
            fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let validator = fields["validator"], !validator.isEmpty, let url = fields["url"], let total = fields["total"] else { return nil }
        self.validator = validator
        self.total = total.isEmpty ? nil : Int64(total)
        self.url = url
    }

    init(validator: String, total: Int64?, url: String) {
        self.validator = validator
        self.total = total
        self.url = url
    }
}
