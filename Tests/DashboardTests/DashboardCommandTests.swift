@testable import Dashboard
import EdgeAICloudTesting
import EdgeAIPKI
import EdgeAITesting
import Foundation
import NIOHTTP1
import Testing

/// `edgeai dashboard`, the built binary, against a dashboard in this process: prints a one-time
/// link for the kubeconfig's token (and not the token), and fails clearly without a dashboard.
@Suite(.timeLimit(.minutes(3)))
struct DashboardCommandTests {
    /// Runs the built `edgeai` on a thread of its own (the wait blocks).
    static func edgeai(_ arguments: [String]) async -> (Int32, String, String) {
        await withCheckedContinuation { continuation in
            Thread {
                let result = (try? runProcess(builtExecutable("edgeai").path, arguments)) ?? (-1, "", "could not start edgeai")
                continuation.resume(returning: result)
            }.start()
        }
    }

    @Test func printsAOneTimeLinkForTheKubeconfigsToken() async throws {
        let h = try await DashboardHarness.start()
        let kubeconfig = try h.api.credentials.writeAdminKubeconfig(port: h.api.port)
        let (status, out, err) = await Self.edgeai(["dashboard", "--url", h.base, "--kubeconfig", kubeconfig])
        #expect(status == 0, "\(err)")
        #expect(!out.contains(h.api.credentials.adminToken))
        let link = try #require(out.split(separator: "\n").first.map(String.init))
        #expect(link.hasPrefix(h.base + "/ui/login?code="))
        let reply = try await h.request(.GET, String(link.dropFirst(h.base.count)))
        #expect(reply.status == 303)
        #expect(DashboardHarness.session(reply) != nil)

        let port = try freeLoopbackPort()
        let (failed, _, message) = await Self.edgeai(["dashboard", "--url", "http://127.0.0.1:\(port)", "--kubeconfig", kubeconfig])
        #expect(failed == 1)
        #expect(message.contains("no dashboard answered"))
        #expect(!message.contains(h.api.credentials.adminToken))
        await h.stop()
    }
}
