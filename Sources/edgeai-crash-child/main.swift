import EdgeAIAPI
import EdgeAgent
import EdgeSync
import Foundation
import HubClient
import Logging
import ObjectStore
import ServiceLifecycle
import Synchronization

// The children of the crash tests (`CrashDurabilityTests`, `CrashRecoveryTests`): each works
// until it is SIGKILLed, its standard input closes (the parent exited) or 60 s pass, and prints
// one line per step it made durable, so the parent knows what a crash may not lose.
//
//   edgeai-crash-child store-writer DB   8 writers create, then update, datasets in the
//                                        ObjectStore at DB; `ACK <name> <revision> <value>`
//                                        after each acknowledged write.
//   edgeai-crash-child agent DIR         an agent (node edge-1) on DIR/agent allowed DIR/data,
//                                        reaching the hub at DIR/hub-url (token DIR/hub-token, CA
//                                        DIR/hub-ca.pem), all written by the parent; `READY` once it
//                                        listens, `REPORT <samples>` for each report it made durable.

/// Writes `line` and a newline to standard output at once (no buffering to lose in a crash).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Ends the process when the parent closes our standard input, or after 60 s.
func exitWithTheParent() {
    Thread {
        _ = FileHandle.standardInput.readDataToEndOfFile()
        exit(0)
    }.start()
    Thread {
        Thread.sleep(forTimeInterval: 60)
        exit(0)
    }.start()
}

func storeWriter(databasePath: String) async throws {
    let store = try ObjectStore(path: databasePath)
    let prefix = UUID().uuidString.prefix(8)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<8 {
            group.addTask {
                for i in 0... {
                    let name = "\(prefix)-\(writer)-\(i)"
                    let key = ObjectKey(resource: "edgeai.io/datasets", namespace: "default", name: name)
                    let created = try await store.create(key) { revision in Array("c\(revision)".utf8) }
                    emit("ACK \(name) \(created.revision) \(String(decoding: created.value, as: UTF8.self))")
                    let updated = try await store.update(key) { _, revision in Array("u\(revision)".utf8) }
                    emit("ACK \(name) \(updated.revision) \(String(decoding: updated.value, as: UTF8.self))")
                }
            }
        }
        try await group.waitForAll()
    }
}

/// Prints each report as the agent makes it durable, then hands it to the real uplink.
struct ReportingUplink: HubUplink {
    let forward: any HubUplink
    let started: @Sendable () -> Void

    func report(_ report: StatusReport) async {
        if case .dataset(let status) = report.status { emit("REPORT \(status.numberOfSamples ?? -1)") }
        await forward.report(report)
    }

    func linkStatus() async -> (state: String, connectAttempts: Int)? { await forward.linkStatus() }

    func run() async throws {
        started()
        try await forward.run()
    }
}

func agent(directory: String) async throws {
    let read = { (name: String) in try String(contentsOfFile: directory + "/" + name, encoding: .utf8) }
    let hub = HubClientConfiguration(
        url: try read("hub-url"), token: try read("hub-token"), caPEM: try read("hub-ca.pem"),
        link: EdgeLinkConfiguration(node: "edge-1", agentVersion: "test"))
    var logger = Logger(label: "crash-child")
    logger.logLevel = .critical
    // READY once both the uplink runs and the local API listens.
    let steps = Mutex(0)
    let step: @Sendable () -> Void = {
        if steps.withLock({ $0 += 1; return $0 }) == 2 { emit("READY") }
    }
    var configuration = EdgeAgent.Configuration(
        node: "edge-1", dataDirectory: directory + "/agent", allow: [directory + "/data"], apiPort: 0, rescanInterval: .seconds(3600))
    configuration.onAPIListening = { _ in step() }
    let real = EdgeAgent.hub(hub, logger: logger)
    let agent = EdgeAgent(configuration: configuration, logger: logger) { node, outbox in
        ReportingUplink(forward: try await real(node, outbox), started: step)
    }
    try await ServiceGroup(configuration: .init(services: [agent], gracefulShutdownSignals: [], logger: logger)).run()
}

let arguments = CommandLine.arguments.dropFirst()
exitWithTheParent()
switch (arguments.first, arguments.dropFirst().first) {
case ("store-writer", let path?):
    try await storeWriter(databasePath: path)
case ("agent", let directory?):
    try await agent(directory: directory)
default:
    FileHandle.standardError.write(Data("usage: edgeai-crash-child store-writer DB | agent DIR\n".utf8))
    exit(2)
}
