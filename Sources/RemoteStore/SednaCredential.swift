/// A credential in Sedna's Secret shape: the key pair (`ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`,
/// optional `SESSION_TOKEN`) in its data, the endpoint in its `s3-*` annotations. Without a key
/// pair it is anonymous access. Pure; errors name the credential and the key, never a value.
package enum SednaCredential {
    /// - Parameters:
    ///   - name: how errors about the key pair name the credential.
    ///   - label: how errors about the endpoint name it (e.g. `secret team/s3`).
    package static func parse(
        data: [String: [UInt8]], annotations: [String: String], name: String, label: String, allowInsecureHTTP: Bool
    ) throws(RemoteError) -> (endpoint: S3Endpoint, credentials: S3Credentials?) {
        let endpoint: S3Endpoint
        do { endpoint = try S3Endpoint(annotations: annotations, allowInsecureHTTP: allowInsecureHTTP) } catch {
            throw RemoteError(error.code, "\(label): \(error.message)")
        }
        let anonymous = data[S3Credentials.accessKeyIDKey] == nil && data[S3Credentials.secretAccessKeyKey] == nil
        return (endpoint, anonymous ? nil : try S3Credentials(secretData: data, secretName: name))
    }
}
