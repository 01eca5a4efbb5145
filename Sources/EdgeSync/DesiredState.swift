package import EdgeAIAPI

/// Which node should hold what: pure functions of the cloud's caches.
///
/// A node's desired set is its datasets (by `spec.nodeName`), every model placed on it (all
/// of them unless a model names `spec.nodeNames` or `spec.nodeSelector`), and the Secrets those
/// name in `spec.credentialName` — a Secret goes to the nodes whose objects name it, and to no
/// other. Objects that are being deleted (`metadata.deletionTimestamp` set) or lack a name,
/// namespace, uid or resourceVersion are desired nowhere. Nothing here does I/O or keeps state.
package enum DesiredState {
    /// The nodes a change is meant for.
    package enum Audience: Hashable, Sendable, CustomStringConvertible {
        case node(String)
        case allNodes
        /// The nodes a Model's placement selects.
        case placed(ModelPlacement)

        /// Whether `node`, whose EdgeNode has `labels`, is in the audience.
        package func includes(_ node: String, labels: [String: String] = [:]) -> Bool {
            switch self {
            case .node(let name): name == node
            case .allNodes: true
            case .placed(let placement): placement.matches(node, labels: labels)
            }
        }

        package var description: String {
            switch self {
            case .node(let name): "node \(name)"
            case .allNodes: "all nodes"
            case .placed(let placement): "\(placement)"
            }
        }
    }

    /// A change and the nodes it is for.
    package struct RoutedChange: Hashable, Sendable, CustomStringConvertible {
        package var audience: Audience
        package var change: ObjectChange

        package init(audience: Audience, change: ObjectChange) {
            self.audience = audience
            self.change = change
        }

        package var description: String { "\(change) → \(audience)" }
    }

    /// Where `object` should be, or `nil` if nowhere (being deleted, incomplete, no node).
    package static func audience(of object: SyncObject) -> Audience? {
        guard object.missingIdentityField == nil, object.metadata.deletionTimestamp == nil else { return nil }
        switch object {
        case .dataset(let dataset):
            return dataset.spec.nodeName.isEmpty ? nil : .node(dataset.spec.nodeName)
        case .model(let model):
            return ModelPlacement(model.spec).map(Audience.placed) ?? .allNodes
        case .secret:
            // Follows the objects that name it: see ``forNode(_:labels:datasets:models:credentials:)``.
            return nil
        }
    }

    /// `node`'s desired set; `labels` are its EdgeNode's (for models' `nodeSelector`);
    /// `credentials` looks a named Secret up (nil: none such yet, so none is sent).
    package static func forNode(
        _ node: String, labels: [String: String] = [:], datasets: some Sequence<Dataset>, models: some Sequence<Model>,
        credentials: (ObjectKeyName) -> Secret? = { _ in nil }
    ) -> DesiredSet {
        let objects = (datasets.lazy.map(SyncObject.dataset) + models.lazy.map(SyncObject.model))
            .filter { audience(of: $0)?.includes(node, labels: labels) == true }
        let named = Set(objects.compactMap(\.credentialKey))
        let secrets = named.compactMap(credentials).map(SyncObject.secret).filter { $0.missingIdentityField == nil }
        return DesiredSet(secrets + objects)
    }

    /// The changes a node needs when its EdgeNode's labels change from `old` to `new`: an upsert
    /// of each model it now matches and did not, a delete of each it no longer matches.
    package static func labelsChanged(
        node: String, old: [String: String], new: [String: String], models: some Sequence<Model>
    ) -> [RoutedChange] {
        guard old != new else { return [] }
        var changes: [RoutedChange] = []
        for model in models {
            let object = SyncObject.model(model)
            guard case .placed(let placement)? = audience(of: object), placement.nodeSelector != nil else { continue }
            let before = placement.matches(node, labels: old)
            let after = placement.matches(node, labels: new)
            if before == after { continue }
            changes.append(RoutedChange(audience: .node(node), change: after ? .upsert(object) : .delete(object.ref)))
        }
        return changes
    }

    /// Every listed node's desired set in one pass over the caches. Nodes without datasets get
    /// the models only; datasets for nodes not listed are skipped. Labels are not known here:
    /// a model with a `nodeSelector` goes to none of them.
    package static func byNode(
        datasets: some Sequence<Dataset>, models: some Sequence<Model>, nodes: some Sequence<String>
    ) -> [String: DesiredSet] {
        let objects = models.map(SyncObject.model)
        let common = DesiredSet(objects.filter { audience(of: $0) == .allNodes })
        let placed = objects.compactMap { object -> (SyncObject, ModelPlacement)? in
            if case .placed(let placement)? = audience(of: object) { return (object, placement) }
            return nil
        }
        var result: [String: DesiredSet] = [:]
        for node in nodes {
            var set = common
            for (object, placement) in placed where placement.matches(node, labels: [:]) { _ = set.apply(.upsert(object)) }
            result[node] = set
        }
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
    package static func changes(old: SyncObject?, new: SyncObject?) -> [RoutedChange] {
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

    /// The nodes whose credentials an object event may change: the old and the new audience
    /// when the object names a Secret and its Secret, uid or audience changed; none otherwise
    /// (a status write to a Model placed on every node must not recompute every node).
    package static func credentialAudiences(old: SyncObject?, new: SyncObject?) -> [Audience] {
        let before = old.flatMap { object in object.credentialKey.map { ($0, object.uid, audience(of: object)) } }
        let after = new.flatMap { object in object.credentialKey.map { ($0, object.uid, audience(of: object)) } }
        if let before, let after, before == after { return [] }
        return Array(Set([before?.2, after?.2].compactMap { $0 }))
    }

    /// Convenience for typed caches.
    package static func changes(old: Dataset?, new: Dataset?) -> [RoutedChange] {
        changes(old: old.map(SyncObject.dataset), new: new.map(SyncObject.dataset))
    }

    package static func changes(old: Model?, new: Model?) -> [RoutedChange] {
        changes(old: old.map(SyncObject.model), new: new.map(SyncObject.model))
    }
}
