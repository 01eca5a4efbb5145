public import EdgeAIAPI
public import JSON
import NIOCore
import NIOHTTP1

/// Operations on typed objects (``Dataset``, ``Model``, any ``KubernetesObject``).
/// Namespaced objects without a namespace go to the configuration's namespace.
extension KubeClient {
    public func get<T: KubernetesObject>(_ type: T.Type, namespace: String? = nil, name: String) async throws -> T {
        try decode(T.self, await executeCollecting(KubeRequest(
            method: .GET, path: T.resourceType.path(namespace: ns(T.self, namespace), name: name), idempotent: true)))
    }

    /// One page (`options.limit`, `options.continue`); its `metadata.continue` leads to the next.
    public func listPage<T: KubernetesObject>(_ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()) async throws -> ObjectList<T> {
        try decode(ObjectList<T>.self, await executeCollecting(KubeRequest(
            method: .GET, path: T.resourceType.path(namespace: namespace), query: options.query, idempotent: true)))
    }

    /// Every page (`options.limit` per request, default 500) of one consistent snapshot; `nil`
    /// namespace lists all namespaces. `metadata.resourceVersion` is the snapshot's, to watch from.
    public func list<T: KubernetesObject>(_ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()) async throws -> ObjectList<T> {
        var options = options
        if options.limit == nil { options.limit = 500 }
        var result = try await listPage(T.self, namespace: namespace, options: options)
        var next = result.metadata.continue
        while let token = next, !token.isEmpty {
            options.continue = token
            let page = try await listPage(T.self, namespace: namespace, options: options)
            result.items += page.items
            next = page.metadata.continue
        }
        result.metadata.continue = nil
        result.metadata.remainingItemCount = nil
        return result
    }

    public func create<T: KubernetesObject>(_ object: T, options: WriteOptions = WriteOptions()) async throws -> T {
        try decode(T.self, await executeCollecting(KubeRequest(
            method: .POST, path: T.resourceType.path(namespace: ns(T.self, object.metadata.namespace)),
            query: options.query, body: try encode(object), idempotent: false)))
    }

    /// Replaces the object; its `resourceVersion` makes this fail with 409 if it changed since.
    public func update<T: KubernetesObject>(_ object: T, options: WriteOptions = WriteOptions()) async throws -> T {
        try await put(object, subresource: nil, options: options)
    }

    /// Replaces the object's status (`/status`); spec and metadata changes are ignored there.
    public func updateStatus<T: KubernetesObject>(_ object: T, options: WriteOptions = WriteOptions()) async throws -> T {
        try await put(object, subresource: "status", options: options)
    }

    public func patch<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, name: String, _ patch: JSONValue, type patchType: PatchType,
        subresource: String? = nil, options: WriteOptions = WriteOptions()
    ) async throws -> T {
        try decode(T.self, await executeCollecting(patchRequest(
            T.resourceType, namespace: ns(T.self, namespace), name: name, patch, type: patchType, subresource: subresource, options: options)))
    }

    /// Server-side apply of `object` as `fieldManager` (creates it if absent).
    public func apply<T: KubernetesObject>(_ object: T, fieldManager: String, force: Bool = false, subresource: String? = nil) async throws -> T {
        var options = WriteOptions(fieldManager: fieldManager, force: force)
        options.fieldValidation = "Strict"
        let value = try KubeJSON.value(object)
        return try await patch(T.self, namespace: object.metadata.namespace, name: object.name, value, type: .apply, subresource: subresource, options: options)
    }

    public func delete<T: KubernetesObject>(_ type: T.Type, namespace: String? = nil, name: String, options: DeleteOptions = DeleteOptions()) async throws {
        _ = try await executeCollecting(deleteRequest(T.resourceType, namespace: ns(T.self, namespace), name: name, options: options))
    }

    /// Watches objects of type `T` (all namespaces when `namespace` is `nil`).
    public func watch<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions(), maximumLineLength: Int = 16 << 20
    ) async throws -> WatchStream<T> {
        try await watch(T.resourceType, namespace: namespace, options: options, as: T.self, maximumLineLength: maximumLineLength)
    }

    func put<T: KubernetesObject>(_ object: T, subresource: String?, options: WriteOptions) async throws -> T {
        var path = T.resourceType.path(namespace: ns(T.self, object.metadata.namespace), name: object.name)
        if let subresource { path += "/\(subresource)" }
        let conditional = object.metadata.resourceVersion?.isEmpty == false
        return try decode(T.self, await executeCollecting(KubeRequest(
            method: .PUT, path: path, query: options.query, body: try encode(object), idempotent: conditional)))
    }

    func ns<T: KubernetesObject>(_ type: T.Type, _ namespace: String?) -> String? {
        guard T.resourceType.namespaced else { return nil }
        if let namespace, !namespace.isEmpty { return namespace }
        return config.namespace
    }

    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        do {
            return try KubeJSON.encode(value)
        } catch {
            throw KubeError(kind: .decoding, code: 0, reason: "EncodeError", message: "cannot encode \(T.self): \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        do {
            return try KubeJSON.decode(T.self, from: buffer.readableBytesView)
        } catch {
            throw KubeError.decoding(String(describing: T.self), error)
        }
    }
}
