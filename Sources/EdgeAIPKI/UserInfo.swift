/// An authenticated identity, as Kubernetes' `user.Info`: a name, a uid and groups.
package struct UserInfo: Hashable, Sendable, CustomStringConvertible {
    package var name: String
    package var uid: String
    package var groups: [String]

    package init(name: String, uid: String = "", groups: [String] = []) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }

    package var description: String {
        groups.isEmpty ? name : "\(name) (groups: \(groups.joined(separator: ", ")))"
    }

    /// Checks what the token file and certificates can carry: a non-empty name, non-empty
    /// groups without commas (the token file separates groups with commas), no control characters.
    static func validate(name: String, uid: String = "", groups: [String]) throws {
        func clean(_ s: String) -> Bool { !s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
        guard !name.isEmpty, clean(name) else {
            throw PKIError(.invalidName, "user name \"\(name)\" must be non-empty and free of control characters")
        }
        guard clean(uid) else { throw PKIError(.invalidName, "uid of user \"\(name)\" contains control characters") }
        for group in groups where group.isEmpty || group.contains(",") || !clean(group) {
            throw PKIError(
                .invalidName,
                "group \"\(group)\" of user \"\(name)\" must be non-empty, without commas or control characters"
            )
        }
    }
}
