import AsyncHTTPClient
@testable import Dashboard
import EdgeAIAPI
import EdgeAICloudTesting
import EdgeAIPKI
import EdgeAITesting
import KubeClient
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// An embedded API server and a dashboard in front of it, both on 127.0.0.1 port 0, and a
/// plain HTTP client that does not follow redirects.
struct DashboardHarness {
    let api: EmbeddedAPI
    let admin: KubeClient
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let base: String
    let http: HTTPClient
    let dashboard: Dashboard
    let loginLink: String?

    static func start(loginLinkToken: String? = nil, streamRenewal: Duration = .seconds(1)) async throws -> DashboardHarness {
        let api = try EmbeddedAPI(prefix: "dashboard-test")
        let port = try await api.start()
        let caPEM = api.credentials.certificateAuthority.certificatePEM
        var configuration = DashboardConfiguration(apiServer: {
            KubeConfig(server: "https://127.0.0.1:\(port)", certificateAuthorityPEM: Array(caPEM.utf8))
        })
        configuration.port = 0
        configuration.streamRenewal = streamRenewal
        configuration.loginLinkToken = loginLinkToken
        let (listening, continuation) = AsyncStream.makeStream(of: (Int, String?).self, bufferingPolicy: .bufferingNewest(1))
        configuration.onListening = { port, link in continuation.yield((port, link)) }
        var logger = Logger(label: "test.dashboard")
        logger.logLevel = .critical
        let dashboard = Dashboard(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [dashboard], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = listening.makeAsyncIterator()
        guard let (uiPort, link) = await iterator.next() else { throw EmbeddedAPIError("the dashboard did not start") }
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        return DashboardHarness(
            api: api, admin: try api.client(), group: group, task: task, base: "http://127.0.0.1:\(uiPort)",
            http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http), dashboard: dashboard, loginLink: link)
    }

    func stop() async {
        try? await http.shutdown()
        try? await admin.shutdown()
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await api.remove()
    }

    struct Reply {
        var status: UInt
        var headers: HTTPHeaders
        var body: String
    }

    func request(
        _ method: HTTPMethod, _ path: String, cookie: String? = nil, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let cookie { request.headers.add(name: "Cookie", value: "\(DashboardRoutes.cookieName)=\(cookie)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: response.status.code, headers: response.headers, body: String(buffer: bytes))
    }

    /// Signs in with `token` through the login form; the session id, or nil when refused.
    func signIn(token: String) async throws -> (session: String?, reply: Reply) {
        let reply = try await request(.POST, "/ui/login", body: "token=" + HTML.queryComponent(token))
        return (Self.session(reply), reply)
    }

    static func session(_ reply: Reply) -> String? {
        for header in reply.headers["Set-Cookie"] where header.hasPrefix(DashboardRoutes.cookieName + "=") {
            let value = header.dropFirst(DashboardRoutes.cookieName.count + 1).prefix { $0 != ";" }
            if !value.isEmpty { return String(value) }
        }
        return nil
    }

    func createDataset(_ name: String, labels: [String: String]? = nil) async throws -> Dataset {
        try await admin.create(Dataset(
            metadata: ObjectMeta(name: name, namespace: "default", labels: labels),
            spec: DatasetSpec(dataUrl: "/data/\(name).txt", format: "txt", nodeName: "edge0")))
    }
}
