import CloudController
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAITesting
import KubeClient
import RemoteStore
import Testing

/// A `credentialName` Secret of Sedna's shape becomes RemoteStore's credentials and endpoint;
/// the controller's own token reads it typed from the embedded API server.
@Suite(.timeLimit(.minutes(5)))
struct RemoteCredentialsTests {
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    static func sedna(annotations: [String: String] = ["s3-endpoint": "minio.local:9000", "s3-usehttps": "0"], data: [String: String]? = nil) -> Secret {
        let values = data ?? ["ACCESS_KEY_ID": "AKIDEXAMPLE", "SECRET_ACCESS_KEY": secretKey + "\n"]
        return Secret(metadata: ObjectMeta(name: "minio-creds", namespace: "team", annotations: annotations), data: values.mapValues { Array($0.utf8) })
    }

    @Test func sednasShapeBecomesCredentialsAndEndpoint() throws {
        let remote = try RemoteCredentials(secret: Self.sedna(), allowInsecureHTTP: true)
        #expect(remote.credentials.accessKeyID == "AKIDEXAMPLE")
        #expect(remote.credentials.secretAccessKey == Self.secretKey)  // `echo`'s newline dropped
        #expect(remote.endpoint.useHTTPS == false)
        #expect(remote.endpoint.host == "minio.local")
        #expect(remote.endpoint.port == 9000)
        #expect(remote.endpoint.addressing == .path)
        #expect(!remote.description.contains(Self.secretKey))
        let aws = try RemoteCredentials(secret: Self.sedna(annotations: [:]))
        #expect(aws.endpoint.addressing == .virtualHosted)
        #expect(aws.endpoint.useHTTPS)
    }

    /// A node receives the credential and nothing else of the Secret: kubectl's last-applied
    /// annotation (the data in plain text), labels and unrelated keys stay in the cloud.
    @Test func whatANodeReceivesIsTheCredentialOnly() throws {
        var secret = Self.sedna(data: ["ACCESS_KEY_ID": "AKIDEXAMPLE", "SECRET_ACCESS_KEY": Self.secretKey, "ca.crt": "not for nodes"])
        secret.metadata.annotations?["kubectl.kubernetes.io/last-applied-configuration"] = #"{"stringData":{"SECRET_ACCESS_KEY":"\#(Self.secretKey)"}}"#
        secret.metadata.labels = ["team": "vision"]
        secret.metadata.uid = "u-1"
        secret.metadata.resourceVersion = "5"
        let projected = RemoteCredentials.projection(of: secret)
        #expect(Set(projected.data?.keys.map { $0 } ?? []) == ["ACCESS_KEY_ID", "SECRET_ACCESS_KEY"])
        #expect(projected.metadata.annotations == ["s3-endpoint": "minio.local:9000", "s3-usehttps": "0"])
        #expect(projected.metadata.labels == nil)
        #expect(projected.metadata.uid == "u-1" && projected.metadata.resourceVersion == "5" && projected.key == secret.key)
        #expect(try RemoteCredentials(secret: projected, allowInsecureHTTP: true) == RemoteCredentials(secret: secret, allowInsecureHTTP: true))
    }

    @Test func malformedSecretsAreRefusedNamingTheKeyNeverTheValue() {
        let cases: [(Secret, RemoteError.Code, String)] = [
            (Self.sedna(data: ["ACCESS_KEY_ID": "AKID"]), .invalidCredentials, "SECRET_ACCESS_KEY"),
            (Self.sedna(data: ["SECRET_ACCESS_KEY": Self.secretKey]), .invalidCredentials, "ACCESS_KEY_ID"),
            (Self.sedna(data: ["ACCESS_KEY_ID": "AKID", "SECRET_ACCESS_KEY": Self.secretKey + " x"]), .invalidCredentials, "SECRET_ACCESS_KEY"),
            (Self.sedna(annotations: ["s3-endpoint": "minio:9000", "s3-usehttps": "maybe"]), .invalidEndpoint, "s3-usehttps"),
            (Self.sedna(), .invalidEndpoint, "team/minio-creds"),  // plain HTTP without the flag
        ]
        for (secret, code, named) in cases {
            do {
                _ = try RemoteCredentials(secret: secret)
                Issue.record("accepted \(secret)")
            } catch {
                #expect(error.code == code)
                #expect(error.message.contains(named), "\(error.message)")
                #expect(!error.message.contains(Self.secretKey))
            }
        }
    }

    @Test func theSecretIsLookedUpInTheObjectsOwnNamespace() {
        #expect(RemoteCredentials.secretKey(namespace: "team", credentialName: "c") == ObjectKeyName(namespace: "team", name: "c"))
        #expect(RemoteCredentials.secretKey(namespace: "team", credentialName: nil) == nil)
        #expect(RemoteCredentials.secretKey(namespace: "team", credentialName: "") == nil)
    }

    @Test func theControllersTokenReadsTheSecretTypedButCannotWriteIt() async throws {
        try await withTestbed { testbed in
            let admin = try testbed.client
            var stored = Self.sedna()
            stored.metadata.namespace = "default"
            _ = try await admin.create(stored)
            let controller = try KubeClient(config: testbed.config(token: testbed.controllerToken))
            do {
                let secret = try await controller.get(Secret.self, namespace: "default", name: "minio-creds")
                #expect(secret.data?["ACCESS_KEY_ID"] == Array("AKIDEXAMPLE".utf8))
                #expect(secret.type == "Opaque")
                let remote = try RemoteCredentials(secret: secret, allowInsecureHTTP: true)
                #expect(remote.credentials.accessKeyID == "AKIDEXAMPLE")
                #expect(try await controller.list(Secret.self, namespace: nil).items.map(\.name).contains("minio-creds"))
                await #expect(throws: KubeError.self) {
                    _ = try await controller.create(Secret(metadata: ObjectMeta(name: "x", namespace: "default")))
                }
            } catch {
                try await controller.shutdown()
                throw error
            }
            try await controller.shutdown()
        }
    }
}
