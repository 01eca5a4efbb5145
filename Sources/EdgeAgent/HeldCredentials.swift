package import EdgeAIAPI
package import RemoteStore
import Synchronization

/// The credential Secrets the hub delivered to this node, answering by namespace and name;
/// a name none was delivered for goes to `fallback` (`--credentials-dir`, or none).
///
/// Kept by ``EdgeNode`` from the store's objects (the Secrets are durable in ``AgentStore``,
/// whose file only the agent's user can read); holds nothing else. A Secret is parsed at each
/// use, so a rotated key applies at the next look.
package final class HeldCredentials: CredentialProvider {
    package let fallback: any CredentialProvider
    /// Whether an `s3-endpoint` may be plain HTTP (`edgeai edge --allow-http`).
    package let allowInsecureHTTP: Bool
    private let secrets = Mutex<[ObjectKeyName: Secret]>([:])

    package init(fallback: any CredentialProvider = NoCredentials(), allowInsecureHTTP: Bool = false) {
        self.fallback = fallback
        self.allowInsecureHTTP = allowInsecureHTTP
    }

    package func access(named name: String, namespace: String) async throws(RemoteError) -> S3Access {
        let key = ObjectKeyName(namespace: namespace, name: name)
        guard let secret = secrets.withLock({ $0[key] }) else {
            return try await fallback.access(named: name, namespace: namespace)
        }
        let parsed = try SednaCredential.parse(
            data: secret.data ?? [:], annotations: secret.metadata.annotations ?? [:], name: key.description, label: "secret \(key)",
            allowInsecureHTTP: allowInsecureHTTP)
        return S3Access(endpoint: parsed.endpoint, credentials: parsed.credentials)
    }

    /// Holds `secret` (replacing the one of the same name).
    func hold(_ secret: Secret) {
        secrets.withLock { $0[secret.key] = secret }
    }

    /// Drops the Secret `key`.
    func drop(_ key: ObjectKeyName) {
        _ = secrets.withLock { $0.removeValue(forKey: key) }
    }

    /// The names of the Secrets held (never their contents).
    package var heldNames: [ObjectKeyName] { secrets.withLock { $0.keys.sorted() } }
}
