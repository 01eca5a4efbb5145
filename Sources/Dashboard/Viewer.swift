import EdgeAIAPI
import JSON
import KubeClient

/// A signed-in viewer: a client holding the viewer's own bearer token (and no other
/// credentials), and the user name the API server said the token belongs to.
final class Viewer: Sendable {
    let client: KubeClient
    let user: String

    init(client: KubeClient, user: String) {
        self.client = client
        self.user = user
    }

    static let selfSubjectReviews = ResourceType(
        group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews", namespaced: false)

    /// The viewer `token` stands for, checked by the API server (a `SelfSubjectReview`, which every
    /// authenticated user may create); `nil` when the server refuses the token. Other failures
    /// (server unreachable) are thrown.
    static func signIn(token: String, api: KubeConfig) async throws -> Viewer? {
        guard !token.isEmpty, token.utf8.count <= 4096, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        var config = api
        config.credentials = .token(token)
        config.clientCertificatePEM = nil
        config.clientKeyPEM = nil
        let client = try KubeClient(config: config, retryPolicy: RetryPolicy(maxRetries: 1), requestTimeout: .seconds(20))
        do {
            let review = try await client.create(
                selfSubjectReviews, namespace: nil, ["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"])
            let user = review["status"]?["userInfo"]?["username"]?.stringValue ?? "unknown user"
            return Viewer(client: client, user: user)
        } catch let error as KubeError where error.code == 401 || error.code == 403 {
            try? await client.shutdown()
            return nil
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
