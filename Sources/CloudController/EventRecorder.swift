import EdgeAIAPI
package import EdgeHub
import EdgeSync
import JSON
package import KubeClient
package import Logging

/// Kubernetes Events about edge sync (core/v1 `Event` on the Dataset or Model), written in the
/// background so the hub never waits for them.
///
/// ``record(_:)`` only queues; ``run()`` writes the queue one event at a time. The queue keeps the
/// newest 1,000: under a flood of refusals older events are dropped, never the hub's work.
/// Write failures are logged at debug level and otherwise ignored (events are best effort).
package final class EventRecorder: EventRecording {
    package typealias Event = HubEvent

    static let component = "edgeai-cloud"
    static let events = ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true)

    let client: KubeClient
    let logger: Logger
    private let queue: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    package init(client: KubeClient, logger: Logger) {
        self.client = client
        self.logger = logger
        (queue, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(1000))
    }

    package func record(_ event: Event) {
        continuation.yield(event)
    }

    /// Stops accepting events; ``run()`` returns once the queue is written.
    package func finish() {
        continuation.finish()
    }

    /// Writes queued events until ``finish()``.
    package func run() async {
        for await event in queue {
            do {
                let namespace = event.edgeNode == nil ? event.ref.namespace : "default"
                _ = try await client.create(Self.events, namespace: namespace, Self.body(event, now: Time.now()))
            } catch {
                logger.debug("could not write event", metadata: ["object": "\(event.ref.key)", "error": "\(error)"])
            }
        }
    }

    static func body(_ event: Event, now: Time) -> JSONValue {
        if let node = event.edgeNode { return edgeNodeBody(node, event, now: now) }
        let name = event.ref.name
        return [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["generateName": .string("\(name)."), "namespace": .string(event.ref.namespace)],
            "involvedObject": [
                "apiVersion": .string(EdgeAIGroup.apiVersion), "kind": .string(event.ref.kind.rawValue),
                "namespace": .string(event.ref.namespace), "name": .string(name), "uid": .string(event.ref.uid),
            ],
            "type": .string(event.type), "reason": .string(event.reason), "message": .string(event.message),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": .string(now.rfc3339), "lastTimestamp": .string(now.rfc3339), "count": 1,
        ]
    }

    /// An Event about a cluster-scoped EdgeNode, in `default` as kube-apiserver keeps events
    /// about cluster-scoped objects.
    static func edgeNodeBody(_ node: String, _ event: Event, now: Time) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["generateName": .string("\(node)."), "namespace": "default"],
            "involvedObject": ["apiVersion": .string(EdgeAIGroup.apiVersion), "kind": "EdgeNode", "name": .string(node)],
            "type": .string(event.type), "reason": .string(event.reason), "message": .string(event.message),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": .string(now.rfc3339), "lastTimestamp": .string(now.rfc3339), "count": 1,
        ]
    }
}
