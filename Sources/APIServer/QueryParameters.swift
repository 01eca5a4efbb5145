/// The decoded query string of a request (`+` is a space, `%XX` escapes decoded, as Go's
/// `url.ParseQuery`). The last value wins for a repeated key.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            values[key] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
    }

    subscript(key: String) -> String? { values[key] }

    /// `true` for `1`, `true`, `True`; as Go's `strconv.ParseBool` accepts.
    func flag(_ key: String) -> Bool {
        guard let v = values[key] else { return false }
        return ["1", "t", "T", "true", "TRUE", "True"].contains(v)
    }

    func int(_ key: String) -> Int? { values[key].flatMap { Int($0) } }

    static func decode(_ s: Substring) -> String {
        guard s.contains(where: { $0 == "%" || $0 == "+" }) else { return String(s) }
        var out: [UInt8] = []
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
