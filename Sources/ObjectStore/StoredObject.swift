/// One object as stored: its key, revisions and opaque value bytes (the server stores JSON).
package struct StoredObject: Sendable, Equatable {
    package var key: ObjectKey
    /// The revision of the last change (the object's resourceVersion). For a deleted object in a
    /// watch event, the revision of the delete.
    package var revision: Int64
    /// The revision at which this incarnation of the object was created.
    package var createRevision: Int64
    /// The value bytes, never interpreted by the store.
    package var value: [UInt8]

    package init(key: ObjectKey, revision: Int64, createRevision: Int64, value: [UInt8]) {
        self.key = key
        self.revision = revision
        self.createRevision = createRevision
        self.value = value
    }
}
