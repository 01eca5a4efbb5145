import AsyncHTTPClient
import JSON
import NIOCore
import NIOHTTP1

/// What `edgeai dashboard` does: asks a running dashboard for a one-time login link bound to the
/// caller's token (`POST /ui/api/login-codes` with it as the bearer token). The link grants no
/// more than the token does; the token travels only in the request header.
package enum DashboardLink {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The full one-time login URL, e.g. `http://127.0.0.1:7080/ui/login?code=…`.
    package static func mint(dashboard: String, token: String) async throws -> String {
        var base = dashboard
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/ui") { base.removeLast(3) }
        var request = HTTPClientRequest(url: base + "/ui/api/login-codes")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let body: ByteBuffer
        let status: UInt
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            status = response.status.code
            body = try await response.body.collect(upTo: 64 << 10)
        } catch {
            try? await client.shutdown()
            throw Failure(description: "no dashboard answered at \(base) (is `edgeai up`, `edgeai server` or `edgeai cloud` running with its --ui-port?)")
        }
        try? await client.shutdown()
        let answer = try? JSONParser.parse(body.readableBytesView)
        guard status == 201, let path = answer?["path"]?.stringValue, path.hasPrefix("/ui/login?code=") else {
            let message = answer?["message"]?.stringValue ?? "HTTP \(status)"
            throw Failure(description: "the dashboard at \(base) refused: \(message)")
        }
        return base + path
    }
}
