import EdgeAIAPI
import HTTPTypes
import Hummingbird
import JSON
import KubeClient
import Logging
import ManifestYAML
import NIOCore

/// The dashboard's routes. Handlers read the session cookie, find the ``Viewer`` and make every
/// API request with its client; without a session, pages redirect to the login page and
/// stream/API endpoints answer 401.
struct DashboardRoutes: Sendable {
    static let cookieName = "edgeai_session"
    static let maximumFormBytes = 16 << 10

    let configuration: DashboardConfiguration
    let state: DashboardState
    let logger: Logger

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/ui/static/dashboard.css") { _, _ in Self.asset(PackageResources.dashboard_css, type: "text/css; charset=utf-8") }
        router.get("/ui/static/dashboard.js") { _, _ in Self.asset(PackageResources.dashboard_js, type: "text/javascript; charset=utf-8") }
        router.get("/ui") { _, _ in Self.redirect("/ui/fleet") }
        router.get("/ui/login") { request, _ in try await login(code: request) }
        router.post("/ui/login") { request, context in try await login(form: request, context: context) }
        router.post("/ui/logout") { request, _ in await logout(request) }
        router.post("/ui/api/login-codes") { request, _ in try await mintCode(request) }
        router.get("/ui/yaml/:page/:namespace/:name") { request, context in try await yaml(request, context: context) }
        router.get("/ui/stream/:page") { request, context in try await stream(request, context: context) }
        router.get("/ui/:page") { request, context in try await page(request, context: context) }
        return router
    }

    // MARK: Sessions

    func viewer(_ request: Request) async -> (id: String, viewer: Viewer)? {
        guard let id = request.cookies[Self.cookieName]?.value, let viewer = await state.viewer(session: id) else { return nil }
        return (id, viewer)
    }

    func sessionCookie(_ id: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: Self.cookieName, value: id, maxAge: maxAge ?? Int(configuration.sessionLifetime.components.seconds), path: "/ui",
            secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Signs `token` in and answers with the session cookie and a redirect to the fleet page, or
    /// with the login page and `refusal`.
    func signIn(token: String, refusal: String) async throws -> Response {
        let viewer: Viewer?
        do {
            viewer = try await Viewer.signIn(token: token, api: configuration.apiServer())
        } catch {
            logger.warning("dashboard sign-in: the API server could not be asked", metadata: ["reason": "\(type(of: error))"])
            return Self.html(Renderer.login(error: "The API server could not be reached; try again."), status: .serviceUnavailable)
        }
        guard let viewer else { return Self.html(Renderer.login(error: refusal), status: .unauthorized) }
        let id = await state.startSession(viewer)
        var response = Self.redirect("/ui/fleet")
        response.setCookie(sessionCookie(id))
        return response
    }

    func login(code request: Request) async throws -> Response {
        let items = FormItems.parse(request.uri.query ?? "")
        guard let code = items.first(where: { $0.0 == "code" })?.1 else {
            if await viewer(request) != nil { return Self.redirect("/ui/fleet") }
            return Self.html(Renderer.login(error: nil))
        }
        guard await state.allowLoginAttempt() else { return Self.tooMany() }
        guard let token = await state.redeem(code: code) else {
            return Self.html(Renderer.login(error: "That login link is invalid, used or expired."), status: .unauthorized)
        }
        return try await signIn(token: token, refusal: "The token behind that link was not accepted.")
    }

    func login(form request: Request, context: BasicRequestContext) async throws -> Response {
        guard await state.allowLoginAttempt() else { return Self.tooMany() }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maximumFormBytes)
        } catch {
            return Self.html(Renderer.login(error: "That form was too large."), status: .contentTooLarge)
        }
        let token = FormItems.parse(String(buffer: body)).first { $0.0 == "token" }?.1.trimmingWhitespace() ?? ""
        return try await signIn(token: token, refusal: "That token was not accepted.")
    }

    func logout(_ request: Request) async -> Response {
        if let id = request.cookies[Self.cookieName]?.value { await state.endSession(id) }
        var response = Self.redirect("/ui/login")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// `POST /ui/api/login-codes` with `Authorization: Bearer TOKEN`: a one-time code bound to that
    /// token, once the API server accepted it (what `edgeai dashboard` calls).
    func mintCode(_ request: Request) async throws -> Response {
        guard await state.allowLoginAttempt() else { return Self.json(["message": "too many login attempts"], status: .tooManyRequests) }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer ") else { return Self.json(["message": "a bearer token is required"], status: .unauthorized) }
        let token = String(header.dropFirst("Bearer ".count)).trimmingWhitespace()
        let viewer: Viewer?
        do {
            viewer = try await Viewer.signIn(token: token, api: configuration.apiServer())
        } catch {
            return Self.json(["message": "the API server could not be reached"], status: .serviceUnavailable)
        }
        guard let viewer else { return Self.json(["message": "the token was not accepted"], status: .unauthorized) }
        try? await viewer.client.shutdown()
        guard let code = await state.mintCode(token: token) else {
            return Self.json(["message": "too many login links outstanding; try again later"], status: .tooManyRequests)
        }
        return Self.json(["code": .string(code), "path": .string("/ui/login?code=" + code)], status: .created)
    }

    // MARK: Pages

    func page(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let kind = context.parameters.get("page").flatMap(PageKind.named) else { return Self.notFound() }
        guard let (_, viewer) = await viewer(request) else { return Self.redirect("/ui/login") }
        let query: PageQuery
        do {
            query = try PageQuery(items: FormItems.parse(request.uri.query ?? ""))
        } catch {
            return Self.html(Renderer.message(title: kind.title, user: viewer.user, text: error.description), status: .badRequest)
        }
        do {
            let page = try await PageFetcher.fetch(kind: kind, query: query) { limit, next in
                try await viewer.client.listPage(
                    kind.resource, namespace: query.namespace,
                    options: ListOptions(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit: limit, continue: next))
            }
            return Self.html(Renderer.list(kind: kind, page: page, query: query, user: viewer.user))
        } catch {
            let (status, text) = Self.describe(error)
            return Self.html(Renderer.message(title: kind.title, user: viewer.user, text: text), status: status)
        }
    }

    func yaml(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let kind = context.parameters.get("page").flatMap(PageKind.named),
            let name = context.parameters.get("name").map({ FormItems.decode($0[...]) }),
            let namespaceText = context.parameters.get("namespace").map({ FormItems.decode($0[...]) })
        else { return Self.notFound() }
        guard let (_, viewer) = await viewer(request) else { return Self.redirect("/ui/login") }
        let namespace = kind.resource.namespaced && namespaceText != "_" ? namespaceText : nil
        guard name.utf8.count <= 253, !name.contains("/"), namespace.map(PageQuery.isDNSLabel) ?? true else { return Self.notFound() }
        do {
            var object = try await viewer.client.get(kind.resource, namespace: namespace, name: name)
            // `kubectl get -o yaml` hides managedFields by default.
            object["metadata"]?["managedFields"] = nil
            return Self.html(Renderer.yaml(kind: kind, namespace: namespace, name: name, user: viewer.user, text: Manifests.yaml(object)))
        } catch {
            let (status, text) = Self.describe(error)
            return Self.html(Renderer.message(title: kind.title, user: viewer.user, text: text), status: status)
        }
    }

    func stream(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let kind = context.parameters.get("page").flatMap(PageKind.named) else { return Self.notFound() }
        guard let (id, viewer) = await viewer(request) else {
            return Self.text("sign in again", status: .unauthorized)
        }
        let items = FormItems.parse(request.uri.query ?? "")
        let query: PageQuery
        do {
            query = try PageQuery(items: items)
        } catch {
            return Self.text(error.description, status: .badRequest)
        }
        let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" && !$0.value.isEmpty }?.value
        let start = lastEventID ?? items.first { $0.0 == "resourceVersion" }?.1
        guard await state.acquireStream(session: id) else {
            return Self.text("too many live streams for this session", status: .tooManyRequests)
        }
        let slot = StreamSlot(state: state, session: id)
        let live = LiveStream(
            kind: kind, query: query, viewer: viewer, session: id, state: state, renewal: configuration.streamRenewal, logger: logger)
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        headers[.connection] = "keep-alive"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await live.run(from: start, slot: slot, writer: &writer)
        })
    }

    // MARK: Responses

    /// An API failure as the page says it: the API server's own message for its refusals (it names
    /// the user and the resource, never the token), a generic one otherwise.
    static func describe(_ error: any Error) -> (HTTPResponse.Status, String) {
        if let error = error as? KubeError, error.kind == .api || error.kind == .gone {
            return (HTTPResponse.Status(code: error.code >= 400 && error.code < 600 ? error.code : 502), error.message)
        }
        return (.badGateway, "The API server could not be reached or answered something unreadable.")
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func notFound() -> Response { text("not found", status: .notFound) }

    static func tooMany() -> Response {
        html(Renderer.login(error: "Too many sign-in attempts; wait a moment."), status: .tooManyRequests)
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
