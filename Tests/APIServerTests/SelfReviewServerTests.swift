import EdgeAIAPI
import EdgeAIPKI
import JSON
import KubeClient
import EdgeAICloudTesting
import NIOHTTP1
import Testing

@testable import APIServer

/// The self reviews over HTTPS: routed, discovered and answered for each real identity
/// (admin, the cloud controller's token, a node token, a plain user).
@Suite(.serialized, .timeLimit(.minutes(5))) struct SelfReviewServerTests {
    static let accessReviews = ResourceType(
        group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false)
    static let rulesReviews = ResourceType(
        group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", namespaced: false)
    static let subjectReviews = ResourceType(
        group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview", plural: "selfsubjectreviews", namespaced: false)

    static func canI(_ client: KubeClient, _ attributes: JSONValue) async throws -> Bool? {
        let body: JSONValue = ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": ["resourceAttributes": attributes]]
        return try await client.create(accessReviews, namespace: nil, body)["status"]?["allowed"]?.boolValue
    }

    @Test func eachIdentityGetsItsTrueAnswerThroughTheSwiftClient() async throws {
        let s = try await TestServer.start()
        var credentials = s.credentials
        let cloudToken = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        let plainToken = try credentials.ensureToken(user: "viewer")
        let admin = try s.api.client()
        let cloud = try s.api.client(token: cloudToken)
        let plain = try s.api.client(token: plainToken)
        let createDatasets: JSONValue = ["group": "edgeai.io", "resource": "datasets", "verb": "create", "namespace": "default"]
        let patchStatus: JSONValue = ["group": "edgeai.io", "resource": "datasets", "subresource": "status", "verb": "patch", "namespace": "default"]
        #expect(try await Self.canI(admin, createDatasets) == true)
        #expect(try await Self.canI(cloud, createDatasets) == false)
        #expect(try await Self.canI(cloud, patchStatus) == true)
        #expect(try await Self.canI(plain, patchStatus) == false)

        // The answers are the server's real decisions: what the review said is what happens.
        let dataset = try JSONParser.parse(TestServer.dataset("x"))
        await #expect(throws: KubeError.self) { _ = try await cloud.create(Dataset.resourceType, namespace: "default", dataset) }
        _ = try await admin.create(Dataset.resourceType, namespace: "default", dataset)
        _ = try await cloud.patch(
            Dataset.resourceType, namespace: "default", name: "x", ["status": ["numberOfSamples": 1]], type: .merge, subresource: "status")

        let whoami = try await cloud.create(Self.subjectReviews, namespace: nil, ["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"])
        #expect(whoami["status"]?["userInfo"]?["username"] == .string(Authorizer.cloudControllerUser))
        #expect(whoami["status"]?["userInfo"]?["groups"] == [.string(Authorizer.controllersGroup), "system:authenticated"])
        let rules = try await plain.create(
            Self.rulesReviews, namespace: nil, ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": ["namespace": "default"]])
        #expect(rules["status"]?["resourceRules"]?.arrayValue?.count == 2)
        for c in [admin, cloud, plain] { try await c.shutdown() }
        try await s.stop()
    }

    @Test func aNodeTokenIsNoAPICredential() async throws {
        let s = try await TestServer.start()
        let node = try s.credentials.nodeToken(for: "edge0")
        let body = #"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"#
        let reply = try await s.request(.POST, "/apis/authentication.k8s.io/v1/selfsubjectreviews", body: body, token: .some(node))
        #expect(reply.status == 401)
        #expect(reply.json["reason"] == "Unauthorized")
        try await s.stop()
    }

    @Test func reviewsAreDiscoverable() async throws {
        let s = try await TestServer.start()
        let groups = try await s.get("/apis").json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(groups.contains("authentication.k8s.io"))
        #expect(groups.contains("authorization.k8s.io"))
        #expect(groups.contains("edgeai.io"))
        let list = try await s.get("/apis/authorization.k8s.io/v1").json
        #expect(list["resources"]?.arrayValue?.map { $0["name"] } == ["selfsubjectaccessreviews", "selfsubjectrulesreviews"])
        #expect(list["resources"]?.arrayValue?.first?["verbs"] == ["create"])
        #expect(try await s.get("/apis/authentication.k8s.io").json["preferredVersion"]?["groupVersion"] == "authentication.k8s.io/v1")
        let aggregated = try await s.get("/apis", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").json
        let authn = aggregated["items"]?.arrayValue?.first { $0["metadata"]?["name"] == "authentication.k8s.io" }
        #expect(authn?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first == [
            "resource": "selfsubjectreviews", "responseKind": ["group": "", "version": "", "kind": "SelfSubjectReview"],
            "scope": "Cluster", "singularResource": "selfsubjectreview", "verbs": ["create"],
        ])
        try await s.stop()
    }

    @Test func badRequestsGetKubeApiserversErrors() async throws {
        let s = try await TestServer.start()
        let path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
        #expect(try await s.get(path).status == 405)
        #expect(try await s.request(.POST, path + "/x", body: "{}").status == 404)
        #expect(try await s.request(.POST, "/apis/authorization.k8s.io/v1/namespaces/default/selfsubjectaccessreviews", body: "{}").status == 404)
        let neither = try await s.post(path, #"{"spec":{}}"#)
        #expect(neither.status == 422)
        #expect(neither.json["reason"] == "Invalid")
        let strict = try await s.post(path + "?fieldValidation=Strict", #"{"spec":{"resourceAttributes":{"verb":"get","verb":"list"}}}"#)
        #expect(strict.status == 400)
        #expect(strict.json["message"] == #"SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: strict decoding error: duplicate field "spec.resourceAttributes.verb""#)
        let warned = try await s.post(path, #"{"spec":{"resourceAttributes":{"verb":"get","bogus":true}}}"#)
        #expect(warned.status == 201)
        #expect(warned.header("Warning") == [#"299 - "unknown field \"spec.resourceAttributes.bogus\"""#])
        let malformed = try await s.post(path, #"{"spec":"#)
        #expect(malformed.status == 400)
        let yaml = try await s.post(path, "spec:\n  nonResourceAttributes:\n    path: /version\n    verb: get\n", contentType: "application/yaml")
        #expect(yaml.status == 201)
        #expect(yaml.json["status"]?["allowed"] == true)
        #expect(try await s.post(path, "{}", contentType: "text/plain").status == 415)
        let noNamespace = try await s.post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", #"{"spec":{}}"#)
        #expect(noNamespace.status == 400)
        #expect(noNamespace.json["message"] == "no namespace on request")
        // Nothing is stored: the server holds no such collection.
        #expect(try await s.get(path).json["reason"] == "MethodNotAllowed")
        try await s.stop()
    }
}
