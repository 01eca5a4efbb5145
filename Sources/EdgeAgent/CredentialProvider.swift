package import RemoteStore

/// What reaching an S3 bucket takes: where the endpoint is and, unless anonymous, the key pair.
///
/// - Important: ``credentials`` never appears in a description, log line, status or error
///   (``S3Credentials`` redacts its secret); pass this value only to a ``RemoteSource``.
package struct S3Access: Sendable, Equatable {
    package var endpoint: S3Endpoint
    package var credentials: S3Credentials?

    package init(endpoint: S3Endpoint, credentials: S3Credentials?) {
        self.endpoint = endpoint
        self.credentials = credentials
    }
}

/// Where the agent gets the credentials a dataset or model names (Sedna's `credentialName`: the
/// name of a Secret holding `ACCESS_KEY_ID`/`SECRET_ACCESS_KEY`, with the endpoint in its
/// `s3-endpoint`/`s3-usehttps` annotations).
///
/// Sources: ``HeldCredentials`` (the Secrets the hub delivered, by namespace and name), falling
/// back to ``CredentialsDirectory`` (`edgeai edge --credentials-dir`, by name).
package protocol CredentialProvider: Sendable {
    /// The access named `name` for an object in `namespace`.
    /// - Throws: ``RemoteError`` `.invalidCredentials` (unknown name, unreadable or malformed
    ///   source); the message names the credential, never a value.
    func access(named name: String, namespace: String) async throws(RemoteError) -> S3Access
}

/// No credentials at all: every name is unknown.
package struct NoCredentials: CredentialProvider {
    package init() {}

    package func access(named name: String, namespace: String) async throws(RemoteError) -> S3Access {
        throw RemoteError(.invalidCredentials, "no credentials named \(name) in namespace \(namespace): no such Secret was delivered and the agent has no --credentials-dir")
    }
}

/// The credential name used when a spec names none (an `s3://` location still needs an
/// endpoint, and usually a key).
package enum CredentialNames {
    package static let fallback = "default"
}
