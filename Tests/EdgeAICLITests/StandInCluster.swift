import EdgeAIAPI
import EdgeAITesting
import Foundation
import Hummingbird
import JSON
import Logging
import NIOCore
import ServiceLifecycle

/// A stand-in for the parts of kube-apiserver `edgeai install`, `uninstall`, `node add` and
/// `token rotate` use and the embedded server lacks (apps/v1, RBAC, Secrets, CRDs): objects kept
/// by URL path, server-side apply, create, update with resourceVersion check, delete. A
/// Deployment's status advances one step per read after it is applied (0/1, then 1/1), a
/// DaemonSet has no node to run on — enough to watch the rollout wait.
actor StandInCluster {
    struct Write: Equatable {
        var method: String
        var path: String
        var contentType: String
        var fieldManager: String?
    }

    private(set) var objects: [String: JSONValue] = [:]
    private(set) var writes: [Write] = []
    private var revision = 0
    private var reads: [String: Int] = [:]

    func object(_ path: String) -> JSONValue? { objects[path] }

    func get(_ path: String) -> JSONValue? {
        guard var object = objects[path] else { return nil }
        reads[path, default: 0] += 1
        if object["kind"] == "Deployment" {
            let ready: JSONValue = .int(reads[path, default: 0] >= 2 ? 1 : 0)
            object["metadata"]?["generation"] = 1
            object["status"] = ["observedGeneration": 1, "updatedReplicas": ready, "availableReplicas": ready, "replicas": 1]
        } else if object["kind"] == "DaemonSet" {
            object["metadata"]?["generation"] = 1
            object["status"] = ["observedGeneration": 1, "desiredNumberScheduled": 0, "updatedNumberScheduled": 0, "numberAvailable": 0]
        }
        return object
    }

    func store(_ method: String, _ path: String, _ body: JSONValue, contentType: String, fieldManager: String?) -> (Int, JSONValue) {
        writes.append(Write(method: method, path: path, contentType: contentType, fieldManager: fieldManager))
        var path = path
        switch method {
        case "POST":
            path += "/" + (body["metadata"]?["name"]?.stringValue ?? "")
            if objects[path] != nil { return (409, Self.status(409, "AlreadyExists", "\(path) already exists")) }
        case "PUT":
            guard let current = objects[path] else { return (404, Self.status(404, "NotFound", "not found")) }
            if body["metadata"]?["resourceVersion"] != current["metadata"]?["resourceVersion"] {
                return (409, Self.status(409, "Conflict", "the object has been modified"))
            }
        default:
            var unchanged = objects[path]
            unchanged?["metadata"]?["resourceVersion"] = nil
            if unchanged == body, let current = objects[path] { return (200, current) }
        }
        revision += 1
        var stored = body
        stored["metadata"]?["resourceVersion"] = .string(String(revision))
        objects[path] = stored
        return (method == "POST" ? 201 : 200, stored)
    }

    func delete(_ path: String) -> Bool {
        writes.append(Write(method: "DELETE", path: path, contentType: "", fieldManager: nil))
        return objects.removeValue(forKey: path) != nil
    }

    static func status(_ code: Int64, _ reason: String, _ message: String) -> JSONValue {
        ["kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": .string(reason), "code": .int(code), "message": .string(message)]
    }

    static func json(_ value: JSONValue, status: Int = 200) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }

    /// Runs `body` with the stand-in on 127.0.0.1 port 0 and a kubeconfig for it.
    static func with(_ body: (StandInCluster, String, TemporaryDirectory) async throws -> Void) async throws {
        let cluster = StandInCluster()
        let router = Router()
        router.get("**") { request, _ in
            guard let object = await cluster.get(request.uri.path) else { return json(status(404, "NotFound", "\(request.uri.path) not found"), status: 404) }
            return json(object)
        }
        for method in [HTTPRequest.Method.patch, .post, .put] {
            router.on("**", method: method) { request, _ in
                let bytes = try await request.body.collect(upTo: 1 << 20)
                let (code, object) = await cluster.store(
                    method.rawValue, request.uri.path, try JSONParser.parse(bytes.readableBytesView),
                    contentType: request.headers[.contentType] ?? "", fieldManager: request.uri.queryParameters.get("fieldManager"))
                return json(object, status: code)
            }
        }
        router.delete("**") { request, _ in
            await cluster.delete(request.uri.path)
                ? json(status(200, "", "deleted")) : json(status(404, "NotFound", "\(request.uri.path) not found"), status: 404)
        }
        try await serveStandIn(router, label: "test.stand-in", prefix: "cli-install") { kubeconfig, directory in
            try await body(cluster, kubeconfig, directory)
        }
    }
}

/// Serves `router` over plain HTTP on 127.0.0.1 port 0 with a kubeconfig pointing at it, runs
/// `body` with the kubeconfig's path and a scratch directory, then stops the server and removes
/// the directory (also when `body` throws). The home of the CLI tests' stand-in API servers.
func serveStandIn(
    _ router: Router<BasicRequestContext>, label: String, prefix: String,
    _ body: (String, TemporaryDirectory) async throws -> Void
) async throws {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    let directory = try TemporaryDirectory(prefix: prefix)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let kubeconfig = directory.file("kubeconfig").path
        try """
            apiVersion: v1
            kind: Config
            clusters: [{name: fake, cluster: {server: "http://127.0.0.1:\(port)"}}]
            users: [{name: admin, user: {token: t}}]
            contexts: [{name: fake, context: {cluster: fake, user: admin}}]
            current-context: fake
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        do {
            try await body(kubeconfig, directory)
        } catch {
            await group.triggerGracefulShutdown()
            directory.remove()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
    directory.remove()
}
