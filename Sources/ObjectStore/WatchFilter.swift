/// Which events a watcher receives: one resource, optionally one namespace.
struct WatchFilter: Sendable, Equatable {
    var resource: String
    var namespace: String?

    func matches(_ key: ObjectKey) -> Bool {
        key.resource == resource && (namespace == nil || key.namespace == namespace)
    }
}
