/// The kinds of object the protocol carries.
///
/// Ordered Secret, Dataset, Model: a resync sends the credentials before the objects that name
/// them. Secrets travel from protocol ``ProtocolVersion/v2`` on.
package enum SyncKind: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
    case secret = "Secret"
    case dataset = "Dataset"
    case model = "Model"

    private var rank: Int {
        switch self {
        case .secret: 0
        case .dataset: 1
        case .model: 2
        }
    }

    package static func < (lhs: SyncKind, rhs: SyncKind) -> Bool { lhs.rank < rhs.rank }
}

/// What identifies a slot on the edge: kind, namespace and name. At most one object (one uid)
/// occupies a slot at a time; a deleted-and-recreated object reuses the slot with a new uid.
package struct SyncKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    package var kind: SyncKind
    package var namespace: String
    package var name: String

    package init(kind: SyncKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Dataset ns/name`, as logs print it.
    package var description: String { "\(kind.rawValue) \(namespace)/\(name)" }

    package static func < (lhs: SyncKey, rhs: SyncKey) -> Bool {
        (lhs.kind, lhs.namespace, lhs.name) < (rhs.kind, rhs.namespace, rhs.name)
    }
}
