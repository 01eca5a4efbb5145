package import EdgeAIAPI
package import RemoteStore

/// What the nodes need to reach a remote `dataUrl`/`modelUrl`: the key pair and the endpoint,
/// read from the Secret a Dataset's or Model's `spec.credentialName` names (Sedna's shape:
/// `ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`, optional `SESSION_TOKEN`; annotations `s3-endpoint`,
/// `s3-usehttps`, optional `s3-region`, `s3-addressing`).
///
/// Pure. `description` and errors never show the secret key or session token (see
/// ``S3Credentials``).
package struct RemoteCredentials: Sendable, Equatable, CustomStringConvertible {
    package var credentials: S3Credentials
    package var endpoint: S3Endpoint

    package init(credentials: S3Credentials, endpoint: S3Endpoint) {
        self.credentials = credentials
        self.endpoint = endpoint
    }

    /// From a Secret of Sedna's shape. `allowInsecureHTTP` lets `s3-usehttps: "0"` stand.
    /// - Throws: ``RemoteError`` `.invalidCredentials` (a missing or malformed key, naming the
    ///   Secret and the key) or `.invalidEndpoint` (a bad annotation).
    package init(secret: Secret, allowInsecureHTTP: Bool = false) throws(RemoteError) {
        let name = secret.key.description
        credentials = try S3Credentials(secretData: secret.data ?? [:], secretName: name)
        do {
            endpoint = try S3Endpoint(annotations: secret.metadata.annotations ?? [:], allowInsecureHTTP: allowInsecureHTTP)
        } catch {
            throw RemoteError(error.code, "secret \(name): \(error.message)")
        }
    }

    /// The Secret a Dataset or Model refers to, as a key in its own namespace (kube's rule: a
    /// `credentialName` never reaches into another namespace); nil when it names none.
    package static func secretKey(namespace: String, credentialName: String?) -> ObjectKeyName? {
        guard let credentialName, !credentialName.isEmpty else { return nil }
        return ObjectKeyName(namespace: namespace, name: credentialName)
    }

    /// What of a credential Secret travels to a node: its identity (name, namespace, uid,
    /// resourceVersion), type, the key pair and session token, and the `s3-*` annotations. Other
    /// keys, labels, other annotations (kubectl's last-applied one holds the data in plain text)
    /// and managedFields stay in the cloud. The controller's Secret cache holds only this.
    package static func projection(of secret: Secret) -> Secret {
        var metadata = ObjectMeta()
        metadata.name = secret.metadata.name
        metadata.namespace = secret.metadata.namespace
        metadata.uid = secret.metadata.uid
        metadata.resourceVersion = secret.metadata.resourceVersion
        metadata.deletionTimestamp = secret.metadata.deletionTimestamp
        let annotations = (secret.metadata.annotations ?? [:]).filter { S3Endpoint.annotationKeys.contains($0.key) }
        metadata.annotations = annotations.isEmpty ? nil : annotations
        let data = (secret.data ?? [:]).filter { S3Credentials.secretDataKeys.contains($0.key) }
        return Secret(metadata: metadata, data: data.isEmpty ? nil : data, type: secret.type)
    }

    package var description: String { "RemoteCredentials(\(credentials), endpoint: \(endpoint.authority))" }
}
