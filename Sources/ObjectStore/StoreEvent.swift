/// The kind of change a watch event reports.
public enum WatchEventType: Sendable, Equatable {
    case added, modified, deleted
}

/// One committed change, as delivered to watchers in revision order.
public struct StoreEvent: Sendable, Equatable {
    public var type: WatchEventType
    /// The object after the change. For `.deleted`: the last value, carrying the delete's revision.
    public var object: StoredObject
    /// The object before the change (`nil` for `.added`, and for events replayed from the log
    /// whose previous version was already compacted away).
    public var previous: StoredObject?

    public init(type: WatchEventType, object: StoredObject, previous: StoredObject?) {
        self.type = type
        self.object = object
        self.previous = previous
    }

    /// The revision of this event (`object.revision`).
    public var revision: Int64 { object.revision }
}
