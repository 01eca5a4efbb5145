/// One exact object: its slot plus its uid. What a `delete` names: the edge removes the slot only
/// when it still holds this uid, so a late delete never removes a recreated object.
package struct ObjectRef: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package var kind: SyncKind
    package var namespace: String
    package var name: String
    package var uid: String

    package init(kind: SyncKind, namespace: String, name: String, uid: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    package var key: SyncKey { SyncKey(kind: kind, namespace: namespace, name: name) }

    package var description: String { "\(key) (uid \(uid))" }

    package static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool { (lhs.key, lhs.uid) < (rhs.key, rhs.uid) }
}

/// One object as the edge holds it: slot, uid and resourceVersion. The edge's `hello` lists these;
/// two entries are the same state exactly when uid and resourceVersion are equal.
package struct InventoryEntry: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package var kind: SyncKind
    package var namespace: String
    package var name: String
    package var uid: String
    package var resourceVersion: String

    package init(kind: SyncKind, namespace: String, name: String, uid: String, resourceVersion: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    package var key: SyncKey { SyncKey(kind: kind, namespace: namespace, name: name) }
    package var ref: ObjectRef { ObjectRef(kind: kind, namespace: namespace, name: name, uid: uid) }

    package var description: String { "\(key) (uid \(uid), rv \(resourceVersion))" }

    package static func < (lhs: InventoryEntry, rhs: InventoryEntry) -> Bool {
        (lhs.key, lhs.uid, lhs.resourceVersion) < (rhs.key, rhs.uid, rhs.resourceVersion)
    }
}
