/// An S3 access key pair (and optional session token), in Sedna's Secret shape.
///
/// - Important: The secret and the session token never appear in `description`,
///   `debugDescription`, reflection (`dump`) or any error: only the access key ID is shown.
package struct S3Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The Secret keys Sedna uses (and an optional `SESSION_TOKEN` for temporary credentials).
    package static let accessKeyIDKey = "ACCESS_KEY_ID"
    package static let secretAccessKeyKey = "SECRET_ACCESS_KEY"
    package static let sessionTokenKey = "SESSION_TOKEN"
    /// Every Secret key a credential uses.
    package static let secretDataKeys: Set<String> = [accessKeyIDKey, secretAccessKeyKey, sessionTokenKey]
    package static let maximumKeyIDLength = 128
    package static let maximumSecretLength = 1024
    package static let maximumSessionTokenLength = 4096

    package let accessKeyID: String
    package let secretAccessKey: String
    package let sessionToken: String?

    /// - Throws: ``RemoteError/Code/invalidCredentials`` for an empty, over-long or
    ///   non-printable value (the message names the field, never its value).
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) throws(RemoteError) {
        try Self.check(accessKeyID, field: Self.accessKeyIDKey, limit: Self.maximumKeyIDLength)
        try Self.check(secretAccessKey, field: Self.secretAccessKeyKey, limit: Self.maximumSecretLength)
        if let sessionToken {
            try Self.check(sessionToken, field: Self.sessionTokenKey, limit: Self.maximumSessionTokenLength)
        }
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// From a Secret's decoded `data`; `name` (the Secret's name) is only used in errors.
    package init(secretData data: [String: [UInt8]], secretName name: String) throws(RemoteError) {
        func value(_ key: String) throws(RemoteError) -> String? {
            guard let bytes = data[key] else { return nil }
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw RemoteError(.invalidCredentials, "secret \(name): \(key) is not UTF-8")
            }
            // Secrets written with `echo` carry a trailing newline; keys never end in one.
            return string.hasSuffix("\n") ? String(string.dropLast()) : string
        }
        guard let id = try value(Self.accessKeyIDKey) else {
            throw RemoteError(.invalidCredentials, "secret \(name) has no \(Self.accessKeyIDKey)")
        }
        guard let secret = try value(Self.secretAccessKeyKey) else {
            throw RemoteError(.invalidCredentials, "secret \(name) has no \(Self.secretAccessKeyKey)")
        }
        do {
            try self.init(accessKeyID: id, secretAccessKey: secret, sessionToken: try value(Self.sessionTokenKey))
        } catch {
            throw RemoteError(.invalidCredentials, "secret \(name): \(error.message)")
        }
    }

    private static func check(_ value: String, field: String, limit: Int) throws(RemoteError) {
        guard !value.isEmpty else { throw RemoteError(.invalidCredentials, "\(field) is empty") }
        guard value.utf8.count <= limit else {
            throw RemoteError(.invalidCredentials, "\(field) is longer than \(limit) bytes")
        }
        guard value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw RemoteError(.invalidCredentials, "\(field) holds a character outside printable ASCII")
        }
    }

    package var description: String { "S3Credentials(accessKeyID: \(accessKeyID), secret: <redacted>)" }
    package var debugDescription: String { description }
    package var customMirror: Mirror { Mirror(self, children: ["accessKeyID": accessKeyID], displayStyle: .struct) }
}
