/// Kubernetes name rules (apimachinery's validation), without regular expressions.
public enum NameValidation {
    public static let dns1123SubdomainPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    public static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    public static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    /// A DNS-1123 subdomain: at most 253 characters, dot-separated labels of `[a-z0-9-]` that start
    /// and end alphanumeric. Object names and node names.
    public static func isDNS1123Subdomain(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { isLabel($0) }
    }

    /// A DNS-1123 label: at most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
    /// Namespace names.
    public static func isDNS1123Label(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return bytes.count <= 63 && isLabel(bytes[...])
    }

    private static func isLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard let first = label.first, let last = label.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Violations of `metadata.name` (or `generateName`) as a DNS-1123 subdomain.
    public static func subdomainViolations(_ name: String, field: String) -> [FieldViolation] {
        if name.utf8.count > 253 {
            return [.invalid(field, value: name, "must be no more than 253 characters")]
        }
        return isDNS1123Subdomain(name) ? [] : [.invalid(field, value: name, dns1123SubdomainMessage)]
    }
}
