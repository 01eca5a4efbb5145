import EdgeAIAPI
import EdgeAITesting
import Foundation
import Hummingbird
import JSON
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// `edgeai crds --install` against a stand-in for kube-apiserver's CRD API (the embedded server
/// has none): what it sends, what it prints, and that it waits until the kinds are served.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct CRDInstallTests {
    /// The CRDs the fake server holds, and how they were written.
    actor CRDStore {
        var objects: [String: JSONValue] = [:]
        var revision = 0
        var writes: [(name: String, contentType: String, fieldManager: String?, force: String?)] = []
        let servesCRDAPI: Bool

        init(servesCRDAPI: Bool) { self.servesCRDAPI = servesCRDAPI }

        func get(_ name: String) -> JSONValue? { objects[name] }

        func apply(_ name: String, _ body: JSONValue, contentType: String, fieldManager: String?, force: String?) -> JSONValue {
            writes.append((name, contentType, fieldManager, force))
            var incoming = body
            if var stored = objects[name] {
                stored["metadata"]?["resourceVersion"] = nil
                if stored == incoming, let current = objects[name] { return current }
            }
            revision += 1
            incoming["metadata"]?["resourceVersion"] = .string(String(revision))
            objects[name] = incoming
            return incoming
        }

        var edgeAIServed: Bool { objects["datasets.edgeai.io"] != nil && objects["models.edgeai.io"] != nil }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }

    static let notFound = json(["kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"], status: .notFound)

    /// Runs `body` with a plain-HTTP fake API server on port 0 and a kubeconfig pointing at it.
    func withFakeServer(servesCRDAPI: Bool, _ body: (CRDStore, String, TemporaryDirectory) async throws -> Void) async throws {
        let store = CRDStore(servesCRDAPI: servesCRDAPI)
        let router = Router()
        let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
        router.get("/apis/apiextensions.k8s.io/v1") { _, _ in
            store.servesCRDAPI ? Self.json(["kind": "APIResourceList", "groupVersion": "apiextensions.k8s.io/v1", "resources": []]) : Self.notFound
        }
        router.get(RouterPath(crdPath)) { _, context in
            guard let name = context.parameters.get("name"), let object = await store.get(name) else { return Self.notFound }
            return Self.json(object)
        }
        router.patch(RouterPath(crdPath)) { request, context in
            let name = context.parameters.get("name") ?? ""
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let object = try JSONParser.parse(bytes.readableBytesView)
            let stored = await store.apply(
                name, object, contentType: request.headers[.contentType] ?? "",
                fieldManager: request.uri.queryParameters.get("fieldManager"), force: request.uri.queryParameters.get("force"))
            return Self.json(stored)
        }
        router.get("/apis/edgeai.io/v1alpha1") { _, _ in
            guard await store.edgeAIServed else { return Self.notFound }
            return Self.json(["kind": "APIResourceList", "groupVersion": "edgeai.io/v1alpha1", "resources": [["name": "datasets"], ["name": "models"]]])
        }
        try await serveStandIn(router, label: "test.fake-apiserver", prefix: "cli-crds") { kubeconfig, directory in
            try await body(store, kubeconfig, directory)
        }
    }

    @Test func installAppliesBothCRDsServerSideAndReportsWhatChanged() async throws {
        try await withFakeServer(servesCRDAPI: true) { store, kubeconfig, directory in
            let environment = ["KUBECONFIG": kubeconfig]
            let first = try await CLIProcess.run(["crds", "--install"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == """
                customresourcedefinition.apiextensions.k8s.io/datasets.edgeai.io created
                customresourcedefinition.apiextensions.k8s.io/models.edgeai.io created
                customresourcedefinition.apiextensions.k8s.io/edgenodes.edgeai.io created

                """)
            let writes = await store.writes
            #expect(writes.map(\.name) == ["datasets.edgeai.io", "models.edgeai.io", "edgenodes.edgeai.io"])
            #expect(writes.allSatisfy { $0.contentType == "application/apply-patch+yaml" && $0.fieldManager == "edgeai" && $0.force == "true" })
            let stored = try #require(await store.get("datasets.edgeai.io"))
            #expect(stored["spec"]?["names"]?["shortNames"] == ["dset"])

            let again = try await CLIProcess.run(["crds", "--install"], stdin: nil, environment: environment, workingDirectory: directory.path)
            #expect(again.stdout.contains("datasets.edgeai.io unchanged") && again.stdout.contains("models.edgeai.io unchanged"), "\(again)")
        }
    }

    @Test func aServerWithoutEitherAPIIsAnError() async throws {
        try await withFakeServer(servesCRDAPI: false) { _, kubeconfig, directory in
            let result = try await CLIProcess.run(["crds", "--install"], stdin: nil, environment: ["KUBECONFIG": kubeconfig], workingDirectory: directory.path)
            #expect(result.status == 1)
            #expect(result.stderr == "error: the API server serves neither apiextensions.k8s.io/v1 nor edgeai.io/v1alpha1\n", "\(result)")
        }
    }
}
