import EdgeAIAPI

/// The rules kube applies to a manager's name (`ValidateFieldManager`) and its default.
enum FieldManagerName {
    static let maxLength = 128

    static func violations(_ name: String, field: String) -> [FieldViolation] {
        if name.utf8.count > maxLength {
            return [FieldViolation(field: field, reason: .tooLong, detail: "Too long: may not be more than \(maxLength) bytes")]
        }
        var out: [FieldViolation] = []
        var position = 0
        for scalar in name.unicodeScalars {
            if !isPrintable(scalar) {
                let code = String(scalar.value, radix: 16, uppercase: true)
                let hex = String(repeating: "0", count: max(0, 4 - code.count)) + code
                out.append(FieldViolation(
                    field: field, reason: .invalid,
                    detail: "Invalid value: \(APIError.quote(name)): invalid character U+\(hex) (at position \(position))"))
            }
            position += String(scalar).utf8.count
        }
        return out
    }

    /// kube's default manager: the User-Agent up to its first `/`, printable characters only,
    /// at most 128 bytes (`prefixFromUserAgent`).
    static func fromUserAgent(_ userAgent: String?) -> String {
        guard let userAgent else { return "" }
        var out = ""
        for scalar in userAgent.unicodeScalars {
            if scalar == "/" { break }
            guard isPrintable(scalar) else { continue }
            if out.utf8.count >= maxLength { break }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    static func isPrintable(_ s: Unicode.Scalar) -> Bool {
        if s == " " { return true }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: return false
        default: return true
        }
    }
}
