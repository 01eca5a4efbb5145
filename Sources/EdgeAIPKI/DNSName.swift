/// Validation of DNS-1123 names, as Kubernetes applies them to object and node names.
///
/// Pure functions; nothing here resolves names.
package enum DNSName {
    /// The longest DNS-1123 subdomain Kubernetes accepts.
    package static let maxSubdomainLength = 253

    /// True if `name` is a DNS-1123 subdomain: 1…253 characters of lowercase `a-z`, `0-9`,
    /// `-` and `.`, starting and ending with an alphanumeric character.
    ///
    /// Like Kubernetes' `IsDNS1123Subdomain`, labels are not checked individually
    /// (e.g. `a..b` and `a.-b` are refused, since each label must start and end alphanumeric).
    package static func isSubdomain(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxSubdomainLength else { return false }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        // Kubernetes: [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*
        var labelStart = true
        for (i, b) in bytes.enumerated() {
            if b == 0x2E {  // "."
                guard !labelStart, i > 0, bytes[i - 1] != 0x2D else { return false }
                labelStart = true
            } else if b == 0x2D {  // "-"
                guard !labelStart else { return false }
            } else if isAlnum(b) {
                labelStart = false
            } else {
                return false
            }
        }
        guard let last = bytes.last else { return false }
        return isAlnum(last)
    }

    /// Throws ``PKIError/Code/invalidName`` naming `field` unless `name` is a DNS-1123 subdomain.
    static func validateSubdomain(_ name: String, field: String) throws {
        guard isSubdomain(name) else {
            throw PKIError(
                .invalidName,
                "\(field) \"\(name)\" is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', "
                    + "at most \(maxSubdomainLength) characters, starting and ending alphanumeric)"
            )
        }
    }
}
