package import EdgeSync

/// Where the hub's status writes go: the cloud controller's ``StatusWriter`` against the API.
///
/// - Important: `write` never throws; it classifies every failure into the outcome, and the
///   session decides about retries.
package protocol StatusWriting: Sendable {
    func write(_ write: StatusWrite) async -> StatusWriteOutcome
}

/// A Kubernetes Event the hub reports about an object (a refused report, a first delivery), or
/// about an EdgeNode (a refused connection) when `edgeNode` is set.
package struct HubEvent: Sendable, Equatable {
    package var ref: ObjectRef
    /// The EdgeNode the event is about (cluster-scoped: the Event goes to `default`); `ref` is
    /// then unused.
    package var edgeNode: String?
    /// `Normal` or `Warning`.
    package var type: String
    package var reason: String
    package var message: String

    package init(ref: ObjectRef, type: String, reason: String, message: String) {
        self.ref = ref
        self.type = type
        self.reason = reason
        self.message = message
    }

    /// An event about the EdgeNode of `node`.
    package static func edgeNode(_ node: String, type: String, reason: String, message: String) -> HubEvent {
        var event = HubEvent(ref: ObjectRef(kind: .dataset, namespace: "", name: node, uid: ""), type: type, reason: reason, message: message)
        event.edgeNode = node
        return event
    }
}

/// Where the hub's events go: the cloud controller's `EventRecorder`.
///
/// - Important: `record` must not wait: the hub calls it from its sessions.
package protocol EventRecording: Sendable {
    func record(_ event: HubEvent)
}
