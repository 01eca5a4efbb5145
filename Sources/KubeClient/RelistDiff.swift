package import EdgeAIAPI

/// The events that turn a cache holding `cached` into one holding exactly `listed`.
///
/// Pure. Deletes of objects absent from the list come first (sorted by key), then adds and
/// updates in list order. An object whose uid changed (deleted and recreated while away) yields
/// a delete and an add; an object with the same resourceVersion yields nothing, so no event is
/// emitted twice for one resourceVersion.
package func relistDiff<Object: KubernetesObject>(
    cached: [ObjectKeyName: Object], listed: [Object]
) -> [InformerEvent<Object>] {
    var events: [InformerEvent<Object>] = []
    var present = Set<ObjectKeyName>()
    present.reserveCapacity(listed.count)
    for object in listed { present.insert(object.key) }
    for key in cached.keys.sorted() where !present.contains(key) {
        if let old = cached[key] { events.append(.deleted(old)) }
    }
    for object in listed {
        guard let old = cached[object.key] else {
            events.append(.added(object))
            continue
        }
        if let oldUID = old.metadata.uid, let newUID = object.metadata.uid, oldUID != newUID {
            events.append(.deleted(old))
            events.append(.added(object))
        } else if old.metadata.resourceVersion != object.metadata.resourceVersion {
            events.append(.updated(old: old, new: object))
        }
    }
    return events
}
