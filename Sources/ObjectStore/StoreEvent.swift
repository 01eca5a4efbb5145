/// The kind of change a watch event reports.
package enum WatchEventType: Sendable, Equatable {
    case added, modified, deleted
}

/// One committed change, as delivered to watchers in revision order.
package struct StoreEvent: Sendable, Equatable {
    package var type: WatchEventType
    /// The object after the change. For `.deleted`: the last value, carrying the delete's revision.
    package var object: StoredObject
    /// The object before the change (`nil` for `.added`, and for events replayed from the log
    /// whose previous version was already compacted away).
    package var previous: StoredObject?

    package init(type: WatchEventType, object: StoredObject, previous: StoredObject?) {
        self.type = type
        self.object = object
        self.previous = previous
    }

    /// The revision of this event (`object.revision`).
    package var revision: Int64 { object.revision }
}
