import AsyncHTTPClient
import EdgeAIAPI
import EdgeAIPKI
import JSON
import KubeProtobuf
import NIOCore
import NIOHTTP1
import Testing

@testable import APIServer

/// Core `v1` Secrets over the real server: decoding and normalization as kube-apiserver does
/// them, the update rules, table output without values, and who may read them.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SecretTests {
    static let secrets = "/api/v1/namespaces/default/secrets"
    /// A value that must never show outside `data`.
    static let plaintext = "s3cr3t-Pl41nText-Value"

    static func secret(_ name: String, data: String = "", stringData: String = "", extra: String = "") -> String {
        var body = #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"\#(name)"}"#
        if !data.isEmpty { body += #","data":{\#(data)}"# }
        if !stringData.isEmpty { body += #","stringData":{\#(stringData)}"# }
        return body + extra + "}"
    }

    @Test func stringDataIsMergedIntoDataAndTypeDefaults() async throws {
        let s = try await TestServer.start()
        let created = try await s.post(Self.secrets, Self.secret("a", data: #""k":"aGVsbG8=","over":"eA==""#, stringData: #""over":"won","text":"\#(Self.plaintext)""#))
        #expect(created.status == 201)
        #expect(created.json["stringData"] == nil)
        #expect(created.json["type"] == "Opaque")
        #expect(created.json["data"] == ["k": "aGVsbG8=", "over": .string(Base64.encode("won".utf8)), "text": .string(Base64.encode(Self.plaintext.utf8))])
        #expect(created.json["metadata"]?["generation"] == nil)
        let got = try await s.get(Self.secrets + "/a")
        #expect(got.json == created.json)
        // A merge patch's stringData lands in data too, over the stored keys.
        let patched = try await s.patch(Self.secrets + "/a", #"{"stringData":{"k":"new"}}"#)
        #expect(patched.status == 200)
        #expect(patched.json["data"]?["k"] == .string(Base64.encode("new".utf8)))
        #expect(patched.json["stringData"] == nil)
        let list = try await s.get(Self.secrets)
        #expect(list.json["kind"] == "SecretList")
        #expect(list.json["items"]?.arrayValue?.count == 1)
        let deleted = try await s.request(.DELETE, Self.secrets + "/a")
        #expect(deleted.status == 200)
        #expect(try await s.get(Self.secrets + "/a").status == 404)
        try await s.stop()
    }

    @Test func badDataIsRefusedAsKubeDoesAndStoresNothing() async throws {
        let s = try await TestServer.start()
        let badBase64 = try await s.post(Self.secrets, Self.secret("b", data: #""k":"not base64!""#))
        #expect(badBase64.status == 400)
        #expect(badBase64.json["message"] == #"Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3"#)
        let number = try await s.post(Self.secrets, Self.secret("b", data: #""k":5"#))
        #expect(number.json["message"] == #"Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal number into Go struct field Secret.data of type []uint8"#)
        let badKey = try await s.post(Self.secrets, Self.secret("b", stringData: #""a b":"\#(Self.plaintext)""#))
        #expect(badKey.status == 422)
        #expect(badKey.json["details"]?["causes"]?[0]?["field"] == "data[a b]")
        let strict = try await s.request(.POST, Self.secrets + "?fieldValidation=Strict", body: Self.secret("b", extra: #","bogus":1"#))
        #expect(strict.status == 400)
        #expect(strict.json["message"] == #"Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "bogus""#)
        let tls = try await s.post(Self.secrets, Self.secret("b", data: #""tls.crt":"eA==""#, extra: #","type":"kubernetes.io/tls""#))
        #expect(tls.status == 422)
        #expect(tls.json["details"]?["causes"]?[0]?["field"] == "data[tls.key]")
        let big = String(repeating: "x", count: SecretStrategy.maxDataBytes + 1)
        let tooBig = try await s.post(Self.secrets, Self.secret("b", stringData: #""k":"\#(big)""#))
        #expect(tooBig.status == 422)
        #expect(tooBig.json["details"]?["causes"]?[0]?["reason"] == "FieldValueTooLong")
        // A body that cannot be parsed is not echoed back.
        let broken = try await s.post(Self.secrets, #"{"kind":"Secret","data":{"k":"\#(Self.plaintext)"#)
        #expect(broken.status == 400)
        for reply in [badBase64, number, badKey, strict, tls, tooBig, broken] {
            #expect(!reply.text.contains(Self.plaintext))
        }
        #expect(try await s.get(Self.secrets).json["items"] == [])
        try await s.stop()
    }

    @Test func typeIsImmutableAndAnImmutableSecretIsFrozen() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(Self.secrets, Self.secret("t", data: #""k":"eA==""#))
        let retyped = try await s.patch(Self.secrets + "/t", #"{"type":"kubernetes.io/basic-auth","data":{"username":"eA=="}}"#)
        #expect(retyped.status == 422)
        #expect(retyped.json["message"] == #"Secret "t" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable"#)
        // PUT needs no resourceVersion for a built-in kind.
        let put = try await s.request(.PUT, Self.secrets + "/t", body: Self.secret("t", data: #""k":"eQ==""#, extra: #","immutable":true"#))
        #expect(put.status == 200)
        let frozen = try await s.patch(Self.secrets + "/t", #"{"data":{"k":"eg=="}}"#)
        #expect(frozen.status == 422)
        #expect(frozen.json["details"]?["causes"]?[0]?["field"] == "data")
        let thawed = try await s.patch(Self.secrets + "/t", #"{"immutable":false}"#)
        #expect(thawed.status == 422)
        let labelled = try await s.patch(Self.secrets + "/t", #"{"metadata":{"labels":{"a":"b"}}}"#)
        #expect(labelled.status == 200)
        #expect(try await s.get(Self.secrets + "/t").json["data"]?["k"] == "eQ==")
        try await s.stop()
    }

    /// What `kubectl apply` sends for a kind compiled into kubectl.
    @Test func strategicMergePatchWorksOnSecrets() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(Self.secrets, Self.secret("p", data: #""a":"eA==","b":"eQ==""#))
        let smp = "application/strategic-merge-patch+json"
        let patched = try await s.patch(Self.secrets + "/p", #"{"data":{"b":null,"c":"eg=="},"$setElementOrder/finalizers":[]}"#, type: smp)
        #expect(patched.status == 200)
        #expect(patched.json["data"] == ["a": "eA==", "c": "eg=="])
        let directive = try await s.patch(Self.secrets + "/p", #"{"data":{"$patch":"replace"}}"#, type: smp)
        #expect(directive.status == 400)
        // Custom resources still refuse it (kube answers 415 there).
        _ = try await s.post(TestServer.datasets, TestServer.dataset("d"))
        #expect(try await s.patch(TestServer.datasets + "/d", #"{"spec":{}}"#, type: smp).status == 415)
        try await s.stop()
    }

    @Test func tableShowsTypeAndKeyCountNeverValues() async throws {
        let s = try await TestServer.start()
        let applied = #"{"apiVersion":"v1","kind":"Secret","stringData":{"x":"\#(Self.plaintext)"}}"#
        let body = #"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"tab","annotations":{"kubectl.kubernetes.io/last-applied-configuration":\#(JSONWriter.string(.string(applied))),"keep":"me"}},"stringData":{"x":"\#(Self.plaintext)","y":"z"}}"#
        #expect(try await s.post(Self.secrets, body).status == 201)
        _ = try await s.post(Self.secrets, Self.secret("empty"))
        let accept = "application/json;as=Table;v=v1;g=meta.k8s.io"
        for path in [Self.secrets, Self.secrets + "/tab"] {
            let table = try await s.get(path, accept: accept)
            #expect(table.status == 200)
            let names = table.json["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["Name", "Type", "Data", "Age"])
            let row = try #require(table.json["rows"]?.arrayValue?.first { $0["cells"]?[0] == "tab" })
            #expect(row["cells"]?[1] == "Opaque")
            #expect(row["cells"]?[2] == 2)
            #expect(row["object"]?["metadata"]?["annotations"] == ["keep": "me"])
            #expect(!table.text.contains(Self.plaintext))
            #expect(!table.text.contains(Base64.encode(Self.plaintext.utf8)))
        }
        let rows = try await s.get(Self.secrets, accept: accept).json["rows"]?.arrayValue ?? []
        #expect(rows.first { $0["cells"]?[0] == "empty" }?["cells"]?[2] == 0)
        try await s.stop()
    }

    /// `k8s\0`
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// Protobuf as `kubectl create secret generic` sends it: `k8s\0` + runtime.Unknown{typeMeta, raw: v1.Secret}.
    static func protobufSecret(name: String, data: [String: String], type: String = "Opaque") -> [UInt8] {
        func varint(_ v: Int) -> [UInt8] {
            var v = UInt64(v), out: [UInt8] = []
            while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            return out + [UInt8(v)]
        }
        func field(_ n: Int, _ bytes: [UInt8]) -> [UInt8] { varint(n << 3 | 2) + varint(bytes.count) + bytes }
        let meta = field(1, Array(name.utf8)) + field(8, [])  // name; an empty creationTimestamp
        var secret = field(1, meta)
        for (k, v) in data.sorted(by: { $0.key < $1.key }) { secret += field(2, field(1, Array(k.utf8)) + field(2, Array(v.utf8))) }
        secret += field(3, Array(type.utf8)) + varint(5 << 3) + [1]  // immutable: true
        let typeMeta = field(1, Array("v1".utf8)) + field(2, Array("Secret".utf8))
        return Self.magic + field(1, typeMeta) + field(2, secret) + field(4, Array("application/vnd.kubernetes.protobuf".utf8))
    }

    @Test func aProtobufSecretIsCreatedAsKubectlCreateSendsIt() async throws {
        let decoded = try APIHandler.decodeProtobuf(Self.protobufSecret(name: "pb", data: ["k": Self.plaintext]), kind: "Secret")
        #expect(decoded == ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "pb"], "type": "Opaque", "immutable": true,
                            "data": ["k": .string(Base64.encode(Self.plaintext.utf8))]])
        var truncated = Self.protobufSecret(name: "p", data: ["k": Self.plaintext])
        truncated.removeLast(3)
        // The raw Secret cut short inside its value, in an envelope that still parses.
        let whole = Self.protobufSecret(name: "p", data: ["k": Self.plaintext])
        let secret = whole[20..<(20 + Int(whole[19]))].prefix(20)
        let cutValue = Self.magic + whole[4..<18] + [0x12, UInt8(secret.count)] + secret
        for bad in [truncated, cutValue, Array("{}".utf8), Self.magic + [0xFF]] {
            let error = #expect(throws: APIError.self) { try APIHandler.decodeProtobuf(bad, kind: "Secret") }
            let text = error.map { JSONWriter.string($0.status) } ?? ""
            #expect(text.contains("must be of type Secret"))
            for leak in [Self.plaintext, String(Self.plaintext.prefix(8)), Self.plaintext.utf8.prefix(4).map { String($0, radix: 16) }.joined()] {
                #expect(!text.contains(leak))
            }
        }
        let s = try await TestServer.start()
        var request = HTTPClientRequest(url: s.base + Self.secrets + "?fieldManager=kubectl-create&fieldValidation=Strict")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(s.token)")
        request.headers.add(name: "Content-Type", value: "application/vnd.kubernetes.protobuf")
        request.headers.add(name: "Accept", value: "application/vnd.kubernetes.protobuf,application/json")
        request.body = .bytes(ByteBuffer(bytes: Self.protobufSecret(name: "pb", data: ["k": "v"])))
        let response = try await s.client.execute(request, timeout: .seconds(30))
        #expect(response.status.code == 201)
        // Answered in protobuf, as kube-apiserver answers a client that puts it first.
        #expect(response.headers.first(name: "Content-Type") == KubeProtobufCodec.mediaType)
        let created = try KubeProtobufCodec.decode(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
        #expect(created["kind"] == "Secret")
        #expect(created["data"] == ["k": .string(Base64.encode("v".utf8))])
        let got = try await s.get(Self.secrets + "/pb")
        #expect(got.json["data"] == ["k": .string(Base64.encode("v".utf8))])
        #expect(got.json["immutable"] == true)
        // Only Secrets are read from protobuf here; other kinds still answer 415.
        request = HTTPClientRequest(url: s.base + TestServer.datasets)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(s.token)")
        request.headers.add(name: "Content-Type", value: "application/vnd.kubernetes.protobuf")
        request.body = .bytes(ByteBuffer(bytes: Self.protobufSecret(name: "pb", data: [:])))
        let other = try await s.client.execute(request, timeout: .seconds(30))
        #expect(other.status.code == 415)
        _ = try await other.body.collect(upTo: 1 << 20)
        try await s.stop()
    }

    @Test func discoveryAndOpenAPIDescribeSecrets() async throws {
        let s = try await TestServer.start()
        let core = try await s.get("/api/v1")
        let entry = core.json["resources"]?.arrayValue?.first { $0["name"] == "secrets" }
        #expect(entry?["kind"] == "Secret")
        #expect(entry?["namespaced"] == true)
        let aggregated = try await s.get("/api", accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        #expect(aggregated.text.contains(#""resource":"secrets""#))
        let v3 = try await s.get("/openapi/v3/api/v1")
        let schema = v3.json["components"]?["schemas"]?["io.k8s.api.core.v1.Secret"]
        #expect(schema?["properties"]?["data"]?["additionalProperties"]?["format"] == "byte")
        #expect(schema?["x-kubernetes-group-version-kind"]?[0]?["kind"] == "Secret")
        #expect(v3.json["paths"]?["/api/v1/namespaces/{namespace}/secrets/{name}"]?["patch"] != nil)
        let v2 = try await s.get("/openapi/v2")
        #expect(v2.json["definitions"]?["io.k8s.api.core.v1.Secret"]?["properties"]?["stringData"] != nil)
        try await s.stop()
    }

    /// Admin does everything; the cloud controller reads; a node identity never reads, and a
    /// node token (the hub's credential) is no API credential at all.
    @Test func onlyAdminAndTheCloudControllerReadSecrets() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(Self.secrets, Self.secret("c", stringData: #""ACCESS_KEY_ID":"id""#))
        var credentials = s.credentials
        let cloud = try credentials.ensureToken(user: Authorizer.cloudControllerUser, groups: [Authorizer.controllersGroup])
        let node = try credentials.ensureToken(user: "system:node:edge0", groups: ["system:nodes"])
        let nodeInMasters = try credentials.ensureToken(user: "edge1", groups: ["system:nodes", "system:masters", Authorizer.controllersGroup])
        let other = try credentials.ensureToken(user: "someone")
        let hubToken = try s.credentials.nodeToken(for: "edge0")

        #expect(try await s.request(.GET, Self.secrets + "/c", token: .some(cloud)).status == 200)
        #expect(try await s.request(.GET, Self.secrets, token: .some(cloud)).status == 200)
        #expect(try await s.request(.GET, "/api/v1/secrets", token: .some(cloud)).status == 200)
        #expect(try await s.request(.GET, Self.secrets + "?watch=1&timeoutSeconds=1", token: .some(cloud)).status == 200)
        #expect(try await s.request(.POST, Self.secrets, body: Self.secret("x"), token: .some(cloud)).status == 403)
        #expect(try await s.request(.DELETE, Self.secrets + "/c", token: .some(cloud)).status == 403)
        #expect(try await s.request(.PATCH, Self.secrets + "/c", body: "{}", contentType: "application/merge-patch+json", token: .some(cloud)).status == 403)
        for token in [node, nodeInMasters, other] {
            for path in [Self.secrets + "/c", Self.secrets, "/api/v1/secrets", Self.secrets + "?watch=1"] {
                let reply = try await s.request(.GET, path, token: .some(token))
                #expect(reply.status == 403, "\(path)")
                #expect(!reply.text.contains(Base64.encode("id".utf8)))
            }
        }
        #expect(try await s.request(.GET, Self.secrets, token: .some(hubToken)).status == 401)
        #expect(try await s.request(.DELETE, Self.secrets + "/c").status == 200)
        try await s.stop()
    }

    @Test func authorizerRulesForSecretsPerIdentity() {
        let secrets = { (verb: String) in Authorizer.Attributes(verb: verb, group: "", resource: "secrets", namespace: "d") }
        let admin = UserInfo(name: "a", groups: ["system:masters"])
        let cloud = UserInfo(name: Authorizer.cloudControllerUser)
        let controllers = UserInfo(name: "c", groups: [Authorizer.controllersGroup])
        let node = UserInfo(name: "system:node:edge0")
        let nodeGroup = UserInfo(name: "x", groups: ["system:nodes", "system:masters"])
        for verb in ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] {
            #expect(Authorizer.isAllowed(admin, secrets(verb)))
            #expect(Authorizer.isAllowed(cloud, secrets(verb)) == Authorizer.readVerbs.contains(verb))
            #expect(Authorizer.isAllowed(controllers, secrets(verb)) == Authorizer.readVerbs.contains(verb))
            #expect(!Authorizer.isAllowed(node, secrets(verb)))
            #expect(!Authorizer.isAllowed(nodeGroup, secrets(verb)))
        }
        // The node rule is about Secrets only.
        #expect(Authorizer.isAllowed(nodeGroup, Authorizer.Attributes(verb: "get", group: "", resource: "namespaces")))
    }
}

extension JSONValue {
    /// The array element at `index`, if any (for reading Status causes and table cells).
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
