import AsyncHTTPClient
import EdgeAIAPI
import JSON
import KubeProtobuf
import NIOCore
import NIOHTTP1
import Testing

@testable import APIServer

/// `application/vnd.kubernetes.protobuf` against the real server: what kubectl's typed clients
/// send for `create namespace` and `auth can-i`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ProtobufServerTests {
    static let proto = KubeProtobufCodec.mediaType
    static let kubectlAccept = "application/vnd.kubernetes.protobuf,application/json"

    struct Reply {
        var status: Int
        var contentType: String
        var body: [UInt8]
        var object: JSONValue? {
            contentType == ProtobufServerTests.proto ? try? KubeProtobufCodec.decode(body) : try? JSONParser.parse(body)
        }
    }

    static func send(
        _ s: TestServer, _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String = proto, accept: String = kubectlAccept
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: s.base + path)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "Authorization", value: "Bearer \(s.token)")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await s.client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "", body: Array(bytes.readableBytesView))
    }

    static func encode(_ object: JSONValue) throws -> [UInt8] {
        try #require(try KubeProtobufCodec.encode(object))
    }

    @Test func createGetListAndDeleteANamespaceInProtobuf() async throws {
        let s = try await TestServer.start()
        let created = try await Self.send(
            s, .POST, "/api/v1/namespaces", body: try Self.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-a"], "spec": [:], "status": [:]]))
        #expect(created.status == 201)
        #expect(created.contentType == Self.proto)
        let object = try #require(created.object)
        #expect(object["metadata"]?["name"] == "team-a")
        #expect(object["metadata"]?["uid"]?.stringValue?.isEmpty == false)
        #expect(object["metadata"]?["creationTimestamp"] != nil)
        // The same object as JSON and as protobuf.
        let json = try await s.get("/api/v1/namespaces/team-a").json
        let got = try await Self.send(s, .GET, "/api/v1/namespaces/team-a")
        #expect(got.contentType == Self.proto)
        #expect(got.object == json)
        let list = try await Self.send(s, .GET, "/api/v1/namespaces")
        #expect(list.object?["kind"] == "NamespaceList")
        #expect(list.object?["items"]?.arrayValue?.contains { $0["metadata"]?["name"] == "team-a" } == true)
        let deleted = try await Self.send(
            s, .DELETE, "/api/v1/namespaces/team-a", body: try Self.encode(["apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"]))
        #expect(deleted.status == 200)
        try await s.stop()
    }

    @Test func leasesAndEventsTooButNotCustomResources() async throws {
        let s = try await TestServer.start()
        let lease: JSONValue = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "l"],
            "spec": ["holderIdentity": "edge0", "renewTime": "2026-12-01T07:54:03.123456Z"],
        ]
        let made = try await Self.send(s, .POST, "/apis/coordination.k8s.io/v1/namespaces/default/leases", body: try Self.encode(lease))
        #expect(made.status == 201)
        #expect(made.object?["spec"]?["renewTime"] == "2026-12-01T07:54:03.123456Z")
        let dataset = try await Self.send(
            s, .POST, TestServer.datasets, body: try Self.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "d"]]))
        #expect(dataset.status == 415)
        // A custom resource is answered in JSON even to a client that prefers protobuf.
        _ = try await s.post(TestServer.datasets, TestServer.dataset("d"))
        let cr = try await Self.send(s, .GET, TestServer.datasets + "/d")
        #expect(cr.contentType == "application/json")
        try await s.stop()
    }

    @Test func badProtobufIsKubeApiserversBadRequestAndChangesNothing() async throws {
        let s = try await TestServer.start()
        let notProto = try await Self.send(s, .POST, "/api/v1/namespaces", body: Array(#"{"metadata":{"name":"x"}}"#.utf8))
        #expect(notProto.status == 400)
        #expect(notProto.object?["message"] == #"the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"metadata":{"name":"x"}})"#)
        let truncated = try Self.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "y"]]).dropLast(7)
        #expect(try await Self.send(s, .POST, "/api/v1/namespaces", body: Array(truncated)).status == 400)
        let wrongKind = try Self.encode(["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "z"]])
        #expect(try await Self.send(s, .POST, "/api/v1/namespaces", body: wrongKind).status == 400)
        for name in ["x", "y", "z"] { #expect(try await s.get("/api/v1/namespaces/\(name)").status == 404) }
        // Errors come back in protobuf too for built-in kinds, in JSON for custom resources.
        let missing = try await Self.send(s, .GET, "/api/v1/namespaces/x")
        #expect(missing.status == 404)
        #expect(missing.contentType == Self.proto)
        #expect(missing.object?["reason"] == "NotFound")
        #expect(missing.object?["details"]?["name"] == "x")
        #expect(notProto.contentType == Self.proto)
        let missingCR = try await Self.send(s, .GET, TestServer.datasets + "/x")
        #expect(missingCR.contentType == "application/json")
        try await s.stop()
    }

    @Test func selfReviewsInProtobufAsKubectlSendsThem() async throws {
        let s = try await TestServer.start()
        let review: JSONValue = [
            "apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": ["resourceAttributes": ["group": "edgeai.io", "resource": "datasets", "verb": "create", "namespace": "default"]],
        ]
        let answer = try await Self.send(s, .POST, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body: try Self.encode(review))
        #expect(answer.status == 201)
        #expect(answer.contentType == Self.proto)
        #expect(answer.object?["status"]?["allowed"] == true)
        let whoami = try await Self.send(
            s, .POST, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            body: try Self.encode(["apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"]))
        #expect(whoami.object?["status"]?["userInfo"]?["groups"] == ["system:masters", "system:authenticated"])
        try await s.stop()
    }
}
