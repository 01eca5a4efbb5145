import AsyncHTTPClient
import EdgeAIAPI
import EdgeAIPKI
import JSON
import NIOCore
import NIOSSL
import NIOHTTP1
import Testing

@testable import APIServer

@Suite(.serialized, .timeLimit(.minutes(5))) struct AuthTests {
    let ds = TestServer.datasets

    @Test func tokensAreRequiredExceptForHealthAndVersion() async throws {
        let s = try await TestServer.start()
        let none = try await s.request(.GET, ds, token: .some(nil))
        #expect(none.status == 401)
        #expect(none.json["reason"] == "Unauthorized")
        #expect(try await s.request(.GET, ds, token: "wrong").status == 401)
        for path in ["/healthz", "/readyz", "/livez", "/version"] {
            #expect(try await s.request(.GET, path, token: .some(nil)).status == 200)
        }
        try await s.stop()
    }

    @Test func cloudControllerMayWriteOnlyStatus() async throws {
        let s = try await TestServer.start()
        _ = try await s.post(ds, TestServer.dataset("x"))
        var credentials = s.credentials
        let cloud = try credentials.ensureToken(user: Authorizer.cloudControllerUser)
        #expect(try await s.request(.GET, ds + "/x", token: .some(cloud)).status == 200)
        let status = try await s.request(.PATCH, ds + "/x/status", body: #"{"status":{"numberOfSamples":3}}"#, contentType: "application/merge-patch+json", token: .some(cloud))
        #expect(status.status == 200)
        let spec = try await s.request(.PATCH, ds + "/x", body: #"{"spec":{"format":"y"}}"#, contentType: "application/merge-patch+json", token: .some(cloud))
        #expect(spec.status == 403)
        #expect(spec.json["message"] == #"datasets.edgeai.io "x" is forbidden: User "edgeai:cloud" cannot patch resource "datasets" in API group "edgeai.io" in the namespace "default""#)
        try await s.stop()
    }

    @Test func clientCertificateAuthenticatesAsItsCommonName() async throws {
        let s = try await TestServer.start()
        let issued = try s.credentials.certificateAuthority.issueClientCertificate(user: "cert-admin", groups: ["system:masters"])
        let tls = try s.credentials.clientTLSConfiguration(clientCertificate: issued)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: s.base + ds)
        request.headers.add(name: "Accept", value: "application/json")
        let status: UInt
        do {
            status = try await client.execute(request, timeout: .seconds(30)).status.code
        } catch {
            try? await client.shutdown()  // a client dropped running ends the whole test process
            throw error
        }
        try await client.shutdown()
        #expect(status == 200)
        try await s.stop()
    }

    @Test func authorizerIsAPureFunction() {
        let admin = UserInfo(name: "a", groups: ["system:masters"])
        let cloud = UserInfo(name: Authorizer.cloudControllerUser)
        let other = UserInfo(name: "x")
        let patchStatus = Authorizer.Attributes(verb: "patch", group: "edgeai.io", resource: "datasets", subresource: "status", namespace: "d")
        let createDS = Authorizer.Attributes(verb: "create", group: "edgeai.io", resource: "datasets", namespace: "d")
        let lease = Authorizer.Attributes(verb: "update", group: "coordination.k8s.io", resource: "leases", namespace: "d")
        #expect(Authorizer.isAllowed(admin, createDS))
        #expect(Authorizer.isAllowed(cloud, patchStatus))
        #expect(!Authorizer.isAllowed(cloud, createDS))
        #expect(Authorizer.isAllowed(cloud, lease))
        #expect(!Authorizer.isAllowed(other, patchStatus))
    }
}
