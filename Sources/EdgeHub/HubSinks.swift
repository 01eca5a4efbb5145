public import EdgeSync

/// Where the hub's status writes go: the cloud controller's ``StatusWriter`` against the API.
///
/// - Important: `write` never throws; it classifies every failure into the outcome, and the
///   session decides about retries.
public protocol StatusWriting: Sendable {
    func write(_ write: StatusWrite) async -> StatusWriteOutcome
}

/// A Kubernetes Event the hub reports about an object (a refused report, a first delivery).
public struct HubEvent: Sendable, Equatable {
    public var ref: ObjectRef
    /// `Normal` or `Warning`.
    public var type: String
    public var reason: String
    public var message: String

    public init(ref: ObjectRef, type: String, reason: String, message: String) {
        self.ref = ref
        self.type = type
        self.reason = reason
        self.message = message
    }
}

/// Where the hub's events go: the cloud controller's `EventRecorder`.
///
/// - Important: `record` must not wait: the hub calls it from its sessions.
public protocol EventRecording: Sendable {
    func record(_ event: HubEvent)
}
