package import EdgeAIAPI

/// A Dataset, a Model or a credential Secret as it travels down to the edge.
///
/// On the wire it is the plain Kubernetes JSON of the object; its `kind` field says which.
/// Decoding requires `metadata.name`, `metadata.namespace`, `metadata.uid` and
/// `metadata.resourceVersion`, because idempotency is keyed by them.
///
/// `indirect`: the object is boxed, so the thousands of per-node desired sets that hold the
/// same models share one copy instead of each storing it inline.
package indirect enum SyncObject: Hashable, Sendable {
    case dataset(Dataset)
    case model(Model)
    /// A Secret some Dataset or Model on the node names in `spec.credentialName`, reduced to
    /// what reaching the store takes (``SyncObject/credential(from:)``).
    case secret(Secret)

    package var kind: SyncKind {
        switch self {
        case .dataset: .dataset
        case .model: .model
        case .secret: .secret
        }
    }

    package var metadata: ObjectMeta {
        switch self {
        case .dataset(let dataset): dataset.metadata
        case .model(let model): model.metadata
        case .secret(let secret): secret.metadata
        }
    }

    /// The credential Secret this Dataset or Model names (`spec.credentialName`, in its own
    /// namespace); nil for none, and for Secrets.
    package var credentialKey: ObjectKeyName? {
        let name: String? =
            switch self {
            case .dataset(let dataset): dataset.spec.credentialName
            case .model(let model): model.spec.credentialName
            case .secret: nil
            }
        guard let name, !name.isEmpty else { return nil }
        return ObjectKeyName(namespace: key.namespace, name: name)
    }

    package var key: SyncKey { SyncKey(kind: kind, namespace: metadata.namespace ?? "", name: metadata.name ?? "") }
    package var uid: String { metadata.uid ?? "" }
    package var resourceVersion: String { metadata.resourceVersion ?? "" }
    package var ref: ObjectRef { ObjectRef(kind: kind, namespace: key.namespace, name: key.name, uid: uid) }

    package var entry: InventoryEntry {
        InventoryEntry(kind: kind, namespace: key.namespace, name: key.name, uid: uid, resourceVersion: resourceVersion)
    }

    /// Whether `other` is the same object asking for the same thing: same uid, generation and
    /// spec. A write to the status or the metadata moves the resourceVersion but leaves this
    /// true, so the node stores the new version without looking at the data again (a new
    /// generation is looked at, to report it observed). Secrets are never the same.
    package func hasSameSpec(as other: SyncObject) -> Bool {
        guard uid == other.uid, metadata.generation == other.metadata.generation else { return false }
        switch (self, other) {
        case (.dataset(let a), .dataset(let b)): return a.spec == b.spec
        case (.model(let a), .model(let b)): return a.spec == b.spec
        default: return false
        }
    }

    /// The node a dataset belongs to; `nil` for models (they go to every node).
    package var nodeName: String? {
        if case .dataset(let dataset) = self { return dataset.spec.nodeName }
        return nil
    }

    /// The first identity field that is missing or empty, as a dotted path; `nil` when the object
    /// can be synced.
    package var missingIdentityField: String? {
        let meta = metadata
        if (meta.name ?? "").isEmpty { return "metadata.name" }
        if (meta.namespace ?? "").isEmpty { return "metadata.namespace" }
        if (meta.uid ?? "").isEmpty { return "metadata.uid" }
        if (meta.resourceVersion ?? "").isEmpty { return "metadata.resourceVersion" }
        return nil
    }
}

extension SyncObject: Codable {
    private enum CodingKeys: String, CodingKey { case kind }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kindName = try container.decode(String.self, forKey: .kind)
        switch SyncKind(rawValue: kindName) {
        case .dataset: self = .dataset(try Dataset(from: decoder))
        case .model: self = .model(try Model(from: decoder))
        case .secret: self = .secret(try Secret(from: decoder))
        case nil:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown kind \"\(kindName)\" (expected Dataset, Model or Secret)")
        }
        if let field = missingIdentityField {
            throw DecodingError.keyNotFound(
                IdentityKey(stringValue: field), .init(codingPath: decoder.codingPath, debugDescription: "Required value"))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .dataset(let dataset): try dataset.encode(to: encoder)
        case .model(let model): try model.encode(to: encoder)
        case .secret(let secret): try secret.encode(to: encoder)
        }
    }

    private struct IdentityKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
