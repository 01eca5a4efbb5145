/// What `edgeai up` has started so far; prints the banner once the API server, the hub and the
/// agent's local API are all listening, and hands the bound ports to whoever waits for them.
actor UpProgress {
    private let dataDirectory: String
    private let node: String
    private let allowed: [String]
    private var api: (port: Int, kubeconfig: String)?
    private var hub: Int?
    private var agent: Int?
    private var announced = false
    // One reader each (the demo, the agent's uplink); streams end a wait when its task is cancelled.
    private let apiEndpoints = AsyncStream.makeStream(of: (port: Int, kubeconfig: String).self, bufferingPolicy: .bufferingNewest(1))
    private let hubPorts = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))

    init(dataDirectory: String, node: String, allowed: [String]) {
        self.dataDirectory = dataDirectory
        self.node = node
        self.allowed = allowed
    }

    func starting() {
        printLine("edgeai up: starting the API server, the cloud controller and edge agent \"\(node)\" (state in \(dataDirectory)) …")
    }

    func apiListening(port: Int, kubeconfig: String) {
        api = (port, kubeconfig)
        apiEndpoints.continuation.yield((port, kubeconfig))
        announceIfReady()
    }

    func hubListening(port: Int) {
        hub = port
        hubPorts.continuation.yield(port)
        announceIfReady()
    }

    func agentListening(port: Int) {
        agent = port
        announceIfReady()
    }

    /// The API server's port and kubeconfig, once it listens (for one reader).
    nonisolated func apiEndpoint() async throws -> (port: Int, kubeconfig: String) {
        for await endpoint in apiEndpoints.stream { return endpoint }
        throw CancellationError()
    }

    /// The hub's port, once it listens (for one reader).
    nonisolated func hubPort() async throws -> Int {
        for await port in hubPorts.stream { return port }
        throw CancellationError()
    }

    private func announceIfReady() {
        guard !announced, let api, let hub, let agent else { return }
        announced = true
        printLine(Self.banner(
            dataDirectory: dataDirectory, node: node, allowed: allowed, apiPort: api.port, kubeconfig: api.kubeconfig,
            hubPort: hub, agentPort: agent))
    }

    /// The few lines that say what runs where and what to type next.
    static func banner(
        dataDirectory: String, node: String, allowed: [String], apiPort: Int, kubeconfig: String, hubPort: Int, agentPort: Int
    ) -> String {
        let ca = dataDirectory + "/ca.crt"
        let example = (allowed.first ?? "/data") + "/cats.txt"
        return """
            edgeai up: running — Ctrl-C stops everything
              API server   https://127.0.0.1:\(apiPort)    export KUBECONFIG=\(kubeconfig)
              edge hub     wss://127.0.0.1:\(hubPort)    CA \(ca)
              edge agent   node \(node), reads \(allowed.joined(separator: ", ")); jobs' API http://127.0.0.1:\(agentPort)/v1/datasets
            next:
              edgeai get datasets                      (kubectl get datasets works too)
              edgeai create dataset cats --url \(example) --format txt --node \(node)
              edgeai edge --node edge1 --token "$(edgeai token create --node edge1 --data-dir \(dataDirectory))" --cloud wss://127.0.0.1:\(hubPort) --ca \(ca) --allow DIR --data-dir ./edge1 --api-port 7071
            """
    }
}
