import AsyncHTTPClient
@testable import Dashboard
import EdgeAIAPI
import EdgeAITesting
import EdgeAIPKI
import EdgeAICloudTesting
import Foundation
import JSON
import KubeClient
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// The dashboard over a real loopback server in front of a real embedded API server: nothing
/// without a session, refused tokens get the login page, a restricted token sees only what it may,
/// one-time codes work once, and the live stream delivers a change.
@Suite(.timeLimit(.minutes(3)))
struct DashboardHTTPTests {
    @Test func withoutASessionOnlyTheLoginPageAndAssetsAreServed() async throws {
        let h = try await DashboardHarness.start()
        _ = try await h.createDataset("secret-name")
        for path in ["/ui/fleet", "/ui/datasets", "/ui/models", "/ui/events", "/ui/yaml/datasets/default/secret-name", "/ui"] {
            let reply = try await h.request(.GET, path)
            #expect(reply.status == 303, "\(path)")
            #expect(reply.headers["Location"].first?.hasPrefix("/ui/") == true, "\(path)")
            #expect(!reply.body.contains("secret-name"))
        }
        let stream = try await h.request(.GET, "/ui/stream/datasets")
        #expect(stream.status == 401)
        let forged = try await h.request(.GET, "/ui/datasets", cookie: SecretID.make())
        #expect(forged.status == 303)
        let login = try await h.request(.GET, "/ui/login")
        #expect(login.status == 200)
        #expect(login.body.contains("id=\"login-form\""))
        #expect(login.headers["Content-Security-Policy"].first?.hasPrefix("default-src 'self'") == true)
        let css = try await h.request(.GET, "/ui/static/dashboard.css")
        #expect(css.status == 200)
        #expect(try await h.request(.GET, "/ui/static/dashboard.js").body.contains("EventSource"))
        await h.stop()
    }

    @Test func aWrongTokenGetsTheLoginPageAndNoSession() async throws {
        let h = try await DashboardHarness.start()
        let wrong = "wrong-token-" + SecretID.make()
        let (session, reply) = try await h.signIn(token: wrong)
        #expect(session == nil)
        #expect(reply.status == 401)
        #expect(reply.body.contains("id=\"login-error\""))
        #expect(!reply.body.contains(wrong))
        // An empty form, and a token with control characters, are refused the same way.
        #expect(try await h.signIn(token: "").session == nil)
        #expect(try await h.signIn(token: "a\nb").session == nil)
        #expect(await h.dashboard.state.sessionCount == 0)
        await h.stop()
    }

    @Test func theAdminSeesPagesAndYAMLAndSigningOutEndsTheSession() async throws {
        let h = try await DashboardHarness.start()
        _ = try await h.createDataset("cats", labels: ["team": "vision"])
        _ = try await h.createDataset("dogs", labels: ["team": "audio"])
        let (session, reply) = try await h.signIn(token: h.api.credentials.adminToken)
        let id = try #require(session)
        #expect(reply.status == 303)
        let cookie = reply.headers["Set-Cookie"].first ?? ""
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui"] { #expect(cookie.contains(attribute)) }
        #expect(!cookie.contains("Secure"))

        let page = try await h.request(.GET, "/ui/datasets", cookie: id)
        #expect(page.status == 200)
        #expect(page.body.contains("data-key=\"default/cats\""))
        #expect(page.body.contains("data-key=\"default/dogs\""))
        #expect(!page.body.contains(h.api.credentials.adminToken))
        let filtered = try await h.request(.GET, "/ui/datasets?labelSelector=team%3Dvision", cookie: id)
        #expect(filtered.body.contains("default/cats"))
        #expect(!filtered.body.contains("default/dogs"))
        let prefixed = try await h.request(.GET, "/ui/datasets?prefix=do", cookie: id)
        #expect(prefixed.body.contains("default/dogs") && !prefixed.body.contains("default/cats"))
        let paged = try await h.request(.GET, "/ui/datasets?limit=1", cookie: id)
        #expect(paged.body.components(separatedBy: "<tr data-key=\"default/").count == 2)
        #expect(paged.body.contains("id=\"next\""))
        #expect(try await h.request(.GET, "/ui/datasets?limit=100000", cookie: id).status == 400)

        let yaml = try await h.request(.GET, "/ui/yaml/datasets/default/cats", cookie: id)
        #expect(yaml.status == 200)
        #expect(yaml.body.contains("kind: Dataset"))
        #expect(yaml.body.contains("dataUrl: /data/cats.txt"))
        #expect(!yaml.body.contains("managedFields"))
        #expect(try await h.request(.GET, "/ui/yaml/datasets/default/nope", cookie: id).status == 404)
        for page in ["fleet", "models", "events"] {
            #expect(try await h.request(.GET, "/ui/\(page)", cookie: id).status == 200, "\(page)")
        }

        let out = try await h.request(.POST, "/ui/logout", cookie: id)
        #expect(out.status == 303)
        #expect(try await h.request(.GET, "/ui/datasets", cookie: id).status == 303)
        await h.stop()
    }

    @Test func aRestrictedTokenSeesOnlyWhatItMay() async throws {
        let h = try await DashboardHarness.start()
        _ = try await h.createDataset("hidden-dataset")
        var credentials = h.api.credentials
        let viewerToken = try credentials.ensureToken(user: "someone")
        let session = try await eventuallyValue { try await h.signIn(token: viewerToken).session }
        let page = try await h.request(.GET, "/ui/datasets", cookie: session)
        #expect(page.status == 403)
        #expect(!page.body.contains("hidden-dataset"))
        #expect(page.body.contains("someone"))  // the header names who is signed in
        #expect(try await h.request(.GET, "/ui/yaml/datasets/default/hidden-dataset", cookie: session).status == 403)
        // Its live stream fails rather than leaking changes.
        let stream = try await h.request(.GET, "/ui/stream/datasets", cookie: session)
        #expect(stream.body.contains("event: failed"))
        #expect(!stream.body.contains("hidden-dataset"))
        await h.stop()
    }

    @Test func aOneTimeCodeWorksOnceAndOnlyForAnAcceptedToken() async throws {
        let h = try await DashboardHarness.start()
        let admin = h.api.credentials.adminToken
        let refused = try await h.request(.POST, "/ui/api/login-codes", headers: [("Authorization", "Bearer nope")])
        #expect(refused.status == 401)
        #expect(try await h.request(.POST, "/ui/api/login-codes").status == 401)
        let minted = try await h.request(.POST, "/ui/api/login-codes", headers: [("Authorization", "Bearer \(admin)")])
        #expect(minted.status == 201)
        let path = try #require(try JSONParser.parse(Array(minted.body.utf8))["path"]?.stringValue)
        #expect(!path.contains(admin))
        let first = try await h.request(.GET, path)
        #expect(first.status == 303)
        let session = try #require(DashboardHarness.session(first))
        #expect(try await h.request(.GET, "/ui/fleet", cookie: session).status == 200)
        let again = try await h.request(.GET, path)
        #expect(again.status == 401)
        #expect(DashboardHarness.session(again) == nil)
        #expect(try await h.request(.GET, "/ui/login?code=" + SecretID.make()).status == 401)

        // Through the client `edgeai dashboard` uses.
        let link = try await DashboardLink.mint(dashboard: h.base + "/ui/", token: admin)
        #expect(link.hasPrefix(h.base + "/ui/login?code="))
        await #expect(throws: DashboardLink.Failure.self) { try await DashboardLink.mint(dashboard: h.base, token: "nope") }
        await h.stop()
    }

    @Test func theStartupLinkSignsInAsItsToken() async throws {
        let h = try await DashboardHarness.start(loginLinkToken: "not-a-real-token")
        let link = try #require(h.loginLink)
        // A ServiceGroup prints a failed service: the token must not be in it.
        for text in ["\(h.dashboard)", String(reflecting: h.dashboard), "\(h.dashboard.configuration)", String(reflecting: h.dashboard.configuration)] {
            #expect(!text.contains("not-a-real-token"))
        }
        #expect(link.hasPrefix(h.base + "/ui/login?code="))
        // The code is bound to its token: a token the API refuses gives no session.
        let reply = try await h.request(.GET, String(link.dropFirst(h.base.count)))
        #expect(reply.status == 401)
        #expect(DashboardHarness.session(reply) == nil)
        await h.stop()
    }

    @Test func theLiveStreamDeliversAChange() async throws {
        let h = try await DashboardHarness.start()
        _ = try await h.createDataset("live")
        let session = try #require(try await h.signIn(token: h.api.credentials.adminToken).session)
        let page = try await h.request(.GET, "/ui/datasets", cookie: session)
        let stream = try #require(Self.attribute("data-stream", in: page.body))
        #expect(stream.contains("resourceVersion="))

        var request = HTTPClientRequest(url: h.base + stream.replacingOccurrences(of: "&amp;", with: "&"))
        request.headers.add(name: "Cookie", value: "\(DashboardRoutes.cookieName)=\(session)")
        let response = try await h.http.execute(request, timeout: .seconds(60))
        #expect(response.status.code == 200)
        #expect(response.headers["Content-Type"].first?.hasPrefix("text/event-stream") == true)
        // The change comes after the page's list: the stream starts at the page's resourceVersion.
        _ = try await h.admin.patch(
            Dataset.resourceType, namespace: "default", name: "live", ["status": ["numberOfSamples": 4242]], type: .merge, subresource: "status")
        var text = ""
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if text.contains("\"samples\":4242") { break }
        }
        #expect(text.contains("event: change"))
        #expect(text.contains("\"key\":\"default/live\""))
        #expect(text.contains("\"samples\":4242"))
        await h.stop()
    }

    @Test func liveStreamsPerSessionAreBoundedAndReturnedWhenClientsGo() async throws {
        let h = try await DashboardHarness.start()
        let session = try #require(try await h.signIn(token: h.api.credentials.adminToken).session)
        let limit = 6
        var open: [HTTPClientResponse] = []
        for _ in 0..<limit {
            var request = HTTPClientRequest(url: h.base + "/ui/stream/fleet")
            request.headers.add(name: "Cookie", value: "\(DashboardRoutes.cookieName)=\(session)")
            open.append(try await h.http.execute(request, timeout: .seconds(60)))
        }
        #expect(open.allSatisfy { $0.status.code == 200 })
        let refused = try await h.request(.GET, "/ui/stream/fleet", cookie: session)
        #expect(refused.status == 429)
        // Signing out ends the streams at their next renewal and gives the slots back.
        _ = try await h.request(.POST, "/ui/logout", cookie: session)
        for response in open {
            var text = ""
            for try await chunk in response.body { text += String(buffer: chunk) }
            #expect(text.contains("event: signedout"))
        }
        try await eventually("stream slots returned") { await h.dashboard.state.openStreams == 0 }
        await h.stop()
    }

    @Test func stoppingEndsOpenStreamsAtOnce() async throws {
        let h = try await DashboardHarness.start(streamRenewal: .seconds(3600))
        let session = try #require(try await h.signIn(token: h.api.credentials.adminToken).session)
        var request = HTTPClientRequest(url: h.base + "/ui/stream/datasets")
        request.headers.add(name: "Cookie", value: "\(DashboardRoutes.cookieName)=\(session)")
        let response = try await h.http.execute(request, timeout: .seconds(60))
        var body = response.body.makeAsyncIterator()
        var text = ""
        while !text.contains(": connected"), let chunk = try await body.next() { text += String(buffer: chunk) }
        // With an hour between renewals, only the shutdown can end this stream within the time limit.
        await h.group.triggerGracefulShutdown()
        while let chunk = try await body.next() { text += String(buffer: chunk) }
        #expect(text.contains("the dashboard is stopping"))
        _ = try? await h.task.value
        #expect(await h.dashboard.state.sessionCount == 0)
        await h.stop()
    }

    static func attribute(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "\(name)=\"") else { return nil }
        let rest = html[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
