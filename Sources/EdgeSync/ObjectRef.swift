/// One exact object: its slot plus its uid. What a `delete` names: the edge removes the slot only
/// when it still holds this uid, so a late delete never removes a recreated object.
public struct ObjectRef: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var kind: SyncKind
    public var namespace: String
    public var name: String
    public var uid: String

    public init(kind: SyncKind, namespace: String, name: String, uid: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }

    public var key: SyncKey { SyncKey(kind: kind, namespace: namespace, name: name) }

    public var description: String { "\(key) (uid \(uid))" }

    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool { (lhs.key, lhs.uid) < (rhs.key, rhs.uid) }
}

/// One object as the edge holds it: slot, uid and resourceVersion. The edge's `hello` lists these;
/// two entries are the same state exactly when uid and resourceVersion are equal.
public struct InventoryEntry: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var kind: SyncKind
    public var namespace: String
    public var name: String
    public var uid: String
    public var resourceVersion: String

    public init(kind: SyncKind, namespace: String, name: String, uid: String, resourceVersion: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }

    public var key: SyncKey { SyncKey(kind: kind, namespace: namespace, name: name) }
    public var ref: ObjectRef { ObjectRef(kind: kind, namespace: namespace, name: name, uid: uid) }

    public var description: String { "\(key) (uid \(uid), rv \(resourceVersion))" }

    public static func < (lhs: InventoryEntry, rhs: InventoryEntry) -> Bool {
        (lhs.key, lhs.uid, lhs.resourceVersion) < (rhs.key, rhs.uid, rhs.resourceVersion)
    }
}
