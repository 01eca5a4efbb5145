public import EdgeAIAPI

/// Which node should hold what: pure functions of the cloud's caches.
///
/// A node's desired set is its datasets (by `spec.nodeName`) and every model. Objects that are
/// being deleted (`metadata.deletionTimestamp` set) or lack a name, namespace, uid or
/// resourceVersion are desired nowhere. Nothing here does I/O or keeps state.
public enum DesiredState {
    /// The nodes a change is meant for.
    public enum Audience: Hashable, Sendable, CustomStringConvertible {
        case node(String)
        case allNodes

        public func includes(_ node: String) -> Bool {
            switch self {
            case .node(let name): name == node
            case .allNodes: true
            }
        }

        public var description: String {
            switch self {
            case .node(let name): "node \(name)"
            case .allNodes: "all nodes"
            }
        }
    }

    /// A change and the nodes it is for.
    public struct RoutedChange: Hashable, Sendable, CustomStringConvertible {
        public var audience: Audience
        public var change: ObjectChange

        public init(audience: Audience, change: ObjectChange) {
            self.audience = audience
            self.change = change
        }

        public var description: String { "\(change) → \(audience)" }
    }

    /// Where `object` should be, or `nil` if nowhere (being deleted, incomplete, no node).
    public static func audience(of object: SyncObject) -> Audience? {
        guard object.missingIdentityField == nil, object.metadata.deletionTimestamp == nil else { return nil }
        switch object {
        case .dataset(let dataset):
            return dataset.spec.nodeName.isEmpty ? nil : .node(dataset.spec.nodeName)
        case .model:
            return .allNodes
        }
    }

    /// `node`'s desired set.
    public static func forNode(_ node: String, datasets: some Sequence<Dataset>, models: some Sequence<Model>) -> DesiredSet {
        let objects = datasets.lazy.map(SyncObject.dataset) + models.lazy.map(SyncObject.model)
        return DesiredSet(objects.filter { audience(of: $0)?.includes(node) == true })
    }

    /// Every listed node's desired set in one pass over the caches. Nodes without datasets get
    /// the models only; datasets for nodes not listed are skipped.
    public static func byNode(
        datasets: some Sequence<Dataset>, models: some Sequence<Model>, nodes: some Sequence<String>
    ) -> [String: DesiredSet] {
        let common = DesiredSet(models.lazy.map(SyncObject.model).filter { audience(of: $0) != nil })
        var result: [String: DesiredSet] = [:]
        for node in nodes { result[node] = common }
        for dataset in datasets {
            let object = SyncObject.dataset(dataset)
            guard case .node(let node) = audience(of: object), result[node] != nil else { continue }
            _ = result[node]?.apply(.upsert(object))
        }
        return result
    }

    /// The live diff for one object event: `old` is the cache's object before the event (`nil`
    /// if it did not exist), `new` after it (`nil` if deleted).
    ///
    /// - same uid and same audience: an `upsert` when the resourceVersion moved, else nothing;
    /// - moved to another node, or recreated with another uid: `delete` of the old object for
    ///   the old audience, then `upsert` of the new one for the new audience;
    /// - became desired nowhere (deleted, being deleted, node cleared): `delete` for the old one.
    public static func changes(old: SyncObject?, new: SyncObject?) -> [RoutedChange] {
        let before = old.flatMap { object in audience(of: object).map { (object, $0) } }
        let after = new.flatMap { object in audience(of: object).map { (object, $0) } }
        switch (before, after) {
        case (nil, nil):
            return []
        case (let (object, audience)?, nil):
            return [RoutedChange(audience: audience, change: .delete(object.ref))]
        case (nil, let (object, audience)?):
            return [RoutedChange(audience: audience, change: .upsert(object))]
        case (let (oldObject, oldAudience)?, let (newObject, newAudience)?):
            if oldObject.uid == newObject.uid, oldAudience == newAudience {
                guard oldObject.resourceVersion != newObject.resourceVersion else { return [] }
                return [RoutedChange(audience: newAudience, change: .upsert(newObject))]
            }
            return [
                RoutedChange(audience: oldAudience, change: .delete(oldObject.ref)),
                RoutedChange(audience: newAudience, change: .upsert(newObject)),
            ]
        }
    }

    /// Convenience for typed caches.
    public static func changes(old: Dataset?, new: Dataset?) -> [RoutedChange] {
        changes(old: old.map(SyncObject.dataset), new: new.map(SyncObject.dataset))
    }

    public static func changes(old: Model?, new: Model?) -> [RoutedChange] {
        changes(old: old.map(SyncObject.model), new: new.map(SyncObject.model))
    }
}
