/// One change to what an edge node holds: put an object into its slot, or remove an exact object.
package enum ObjectChange: Hashable, Sendable, CustomStringConvertible {
    /// Store this object in its slot (replacing whatever the slot holds) unless the edge already
    /// holds the same uid and resourceVersion.
    case upsert(SyncObject)
    /// Remove the slot's object if, and only if, it has this uid.
    case delete(ObjectRef)

    package var key: SyncKey {
        switch self {
        case .upsert(let object): object.key
        case .delete(let ref): ref.key
        }
    }

    package var description: String {
        switch self {
        case .upsert(let object): "upsert \(object.entry)"
        case .delete(let ref): "delete \(ref)"
        }
    }
}
