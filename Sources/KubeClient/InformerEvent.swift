public import EdgeAIAPI

/// A change an ``Informer`` saw, in the order its cache applied it.
public enum InformerEvent<Object: KubernetesObject>: Sendable, Hashable {
    case added(Object)
    case updated(old: Object, new: Object)
    /// The last state the informer knew (after a relist, possibly older than the final one).
    case deleted(Object)

    /// The object the event is about (the new state for an update).
    public var object: Object {
        switch self {
        case .added(let o), .deleted(let o): o
        case .updated(_, let new): new
        }
    }
}
