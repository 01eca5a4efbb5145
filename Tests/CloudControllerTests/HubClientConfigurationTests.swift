import EdgeSync
import Logging
@testable import HubClient
import Testing

/// How the hub client reads its URL: the endpoint path, and IP literals (no SNI).
@Suite(.timeLimit(.minutes(5)))
struct HubClientConfigurationTests {
    func configuration(_ url: String) -> HubClientConfiguration {
        HubClientConfiguration(url: url, token: "t", caPEM: "", link: EdgeLinkConfiguration(node: "n", agentVersion: "test"))
    }

    @Test func theEndpointPathIsAddedUnlessThereIsOne() {
        #expect(configuration("wss://hub.example:10350").endpointURL == "wss://hub.example:10350/v1/edge")
        #expect(configuration("wss://hub.example:10350/custom").endpointURL == "wss://hub.example:10350/custom")
    }

    @Test func ipLiteralsAreRecognised() {
        #expect(configuration("wss://127.0.0.1:10350").hostIsIPAddress)
        #expect(configuration("wss://[::1]:10350").hostIsIPAddress)
        #expect(configuration("wss://[::1]:10350").host == "::1")
        #expect(!configuration("wss://hub.example:10350").hostIsIPAddress)
        #expect(!configuration("wss://10.0.0.300:10350").hostIsIPAddress)
        #expect(configuration("wss://hub.example/v1/edge").host == "hub.example")
    }

    @Test func anInvalidCAIsAClearErrorFromRun() async {
        let client = HubClient(configuration: configuration("wss://127.0.0.1:1"), store: InMemoryHubClientStore(), outbox: ReportOutbox(), logger: Logger(label: "t"))
        await #expect(throws: HubClientError.self) { try await client.run() }
    }
}
