public import EdgeAIAPI

/// An informer's store: objects by key, with a `namespace` index and named custom indexes.
///
/// A value type with no I/O and no locking; ``Informer`` owns one behind a mutex. Index
/// functions must be pure: an object's index values are recomputed on every change.
public struct ObjectCache<Object: KubernetesObject>: Sendable {
    /// Maps an object to the values it is indexed under (e.g. `[spec.nodeName]`).
    public typealias IndexFunction = @Sendable (Object) -> [String]

    public static var namespaceIndex: String { "namespace" }

    public private(set) var items: [ObjectKeyName: Object] = [:]
    private let indexers: [String: IndexFunction]
    private var indices: [String: [String: Set<ObjectKeyName>]] = [:]

    public init(indexers: [String: IndexFunction] = [:]) {
        var all = indexers
        all[Self.namespaceIndex] = { [$0.metadata.namespace ?? ""] }
        self.indexers = all
    }

    public var count: Int { items.count }

    public subscript(key: ObjectKeyName) -> Object? { items[key] }

    /// The keys of objects whose `index` function yields `value`, sorted.
    public func keys(index: String, value: String) -> [ObjectKeyName] {
        (indices[index]?[value] ?? []).sorted()
    }

    /// The objects whose `index` function yields `value`, sorted by key.
    public func objects(index: String, value: String) -> [Object] {
        keys(index: index, value: value).compactMap { items[$0] }
    }

    /// Inserts or replaces the object under its key; returns the previous one.
    @discardableResult
    public mutating func upsert(_ object: Object) -> Object? {
        let key = object.key
        let old = items.updateValue(object, forKey: key)
        if let old { unindex(old, key: key) }
        index(object, key: key)
        return old
    }

    /// Removes the object under `key`; returns it.
    @discardableResult
    public mutating func remove(_ key: ObjectKeyName) -> Object? {
        guard let old = items.removeValue(forKey: key) else { return nil }
        unindex(old, key: key)
        return old
    }

    private mutating func index(_ object: Object, key: ObjectKeyName) {
        for (name, function) in indexers {
            for value in function(object) { indices[name, default: [:]][value, default: []].insert(key) }
        }
    }

    private mutating func unindex(_ object: Object, key: ObjectKeyName) {
        for (name, function) in indexers {
            for value in function(object) {
                indices[name]?[value]?.remove(key)
                if indices[name]?[value]?.isEmpty == true { indices[name]?[value] = nil }
            }
        }
    }
}
