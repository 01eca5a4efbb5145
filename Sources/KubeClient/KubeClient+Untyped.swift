public import EdgeAIAPI
import AsyncHTTPClient
public import JSON
import NIOCore
import NIOHTTP1

/// Operations on any resource with objects as ``JSONValue`` (no Swift type needed).
extension KubeClient {
    public func get(_ resource: ResourceType, namespace: String?, name: String) async throws -> JSONValue {
        try parse(await executeCollecting(KubeRequest(method: .GET, path: resource.path(namespace: namespace, name: name), idempotent: true)))
    }

    /// One page of a list (`options.limit`, `options.continue`).
    public func listPage(_ resource: ResourceType, namespace: String? = nil, options: ListOptions = ListOptions()) async throws -> JSONValue {
        try parse(await executeCollecting(KubeRequest(method: .GET, path: resource.path(namespace: namespace), query: options.query, idempotent: true)))
    }

    /// Every page of a list, concatenated; `metadata` is the first page's (its resourceVersion
    /// is the snapshot the pages come from). `options.limit` is the page size (default 500).
    public func list(_ resource: ResourceType, namespace: String? = nil, options: ListOptions = ListOptions()) async throws -> JSONValue {
        var options = options
        if options.limit == nil { options.limit = 500 }
        var first = try await listPage(resource, namespace: namespace, options: options)
        var items = first["items"]?.arrayValue ?? []
        var next = first["metadata"]?["continue"]?.stringValue
        while let token = next, !token.isEmpty {
            options.continue = token
            let page = try await listPage(resource, namespace: namespace, options: options)
            items += page["items"]?.arrayValue ?? []
            next = page["metadata"]?["continue"]?.stringValue
        }
        first["items"] = .array(items)
        first["metadata"]?["continue"] = nil
        first["metadata"]?["remainingItemCount"] = nil
        return first
    }

    public func create(_ resource: ResourceType, namespace: String?, _ object: JSONValue, options: WriteOptions = WriteOptions()) async throws -> JSONValue {
        try parse(await executeCollecting(KubeRequest(
            method: .POST, path: resource.path(namespace: namespace), query: options.query,
            body: JSONWriter.bytes(object), idempotent: false)))
    }

    /// Replaces the object named in `object.metadata.name`; a `resourceVersion` in it makes the
    /// write conditional (409 Conflict when stale).
    public func update(_ resource: ResourceType, namespace: String?, _ object: JSONValue, options: WriteOptions = WriteOptions()) async throws -> JSONValue {
        try await put(resource, namespace: namespace, object, subresource: nil, options: options)
    }

    /// Replaces the status of the object (the `/status` subresource ignores spec and metadata).
    public func updateStatus(_ resource: ResourceType, namespace: String?, _ object: JSONValue, options: WriteOptions = WriteOptions()) async throws -> JSONValue {
        try await put(resource, namespace: namespace, object, subresource: "status", options: options)
    }

    /// Patches the object (or its `subresource`, e.g. `status`). An apply patch needs
    /// `options.fieldManager`; JSON is sent as the YAML it also is.
    public func patch(
        _ resource: ResourceType, namespace: String?, name: String, _ patch: JSONValue, type: PatchType,
        subresource: String? = nil, options: WriteOptions = WriteOptions()
    ) async throws -> JSONValue {
        try parse(await executeCollecting(patchRequest(resource, namespace: namespace, name: name, patch, type: type, subresource: subresource, options: options)))
    }

    /// Deletes the object; returns the server's answer (a `Status`, or the object when
    /// finalizers keep it). Preconditions make it fail with 409 if the object changed.
    @discardableResult
    public func delete(_ resource: ResourceType, namespace: String?, name: String, options: DeleteOptions = DeleteOptions()) async throws -> JSONValue {
        try parse(await executeCollecting(deleteRequest(resource, namespace: namespace, name: name, options: options)))
    }

    /// Starts a watch; returns once the server answered. `options.resourceVersion` is where it
    /// resumes; `allowWatchBookmarks` asks for bookmarks.
    public func watch(
        _ resource: ResourceType, namespace: String? = nil, options: ListOptions = ListOptions(), maximumLineLength: Int = 16 << 20
    ) async throws -> WatchStream<JSONValue> {
        try await watch(resource, namespace: namespace, options: options, as: JSONValue.self, maximumLineLength: maximumLineLength)
    }

    func watch<Object: Decodable & Sendable>(
        _ resource: ResourceType, namespace: String?, options: ListOptions, as: Object.Type, maximumLineLength: Int
    ) async throws -> WatchStream<Object> {
        var query = options.query
        query.insert(("watch", "true"), at: 0)
        let headerTimeout = TimeAmount.seconds(Int64((options.timeoutSeconds ?? 3600) + 30))
        let response = try await execute(KubeRequest(method: .GET, path: resource.path(namespace: namespace), query: query, idempotent: true), headerTimeout: headerTimeout)
        return WatchStream(body: response.body, maximumLineLength: maximumLineLength)
    }

    func put(_ resource: ResourceType, namespace: String?, _ object: JSONValue, subresource: String?, options: WriteOptions) async throws -> JSONValue {
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw KubeError(kind: .api, code: 422, reason: "Invalid", message: "metadata.name: Required value")
        }
        var path = resource.path(namespace: namespace, name: name)
        if let subresource { path += "/\(subresource)" }
        let conditional = object["metadata"]?["resourceVersion"]?.stringValue?.isEmpty == false
        return try parse(await executeCollecting(KubeRequest(
            method: .PUT, path: path, query: options.query, body: JSONWriter.bytes(object), idempotent: conditional)))
    }

    func patchRequest(
        _ resource: ResourceType, namespace: String?, name: String, _ patch: JSONValue, type: PatchType,
        subresource: String?, options: WriteOptions
    ) -> KubeRequest {
        var path = resource.path(namespace: namespace, name: name)
        if let subresource { path += "/\(subresource)" }
        return KubeRequest(
            method: .PATCH, path: path, query: options.query, body: JSONWriter.bytes(patch),
            contentType: type.contentType, idempotent: type != .json)
    }

    func deleteRequest(_ resource: ResourceType, namespace: String?, name: String, options: DeleteOptions) -> KubeRequest {
        var body: [String: JSONValue] = ["apiVersion": "v1", "kind": "DeleteOptions"]
        var preconditions: [String: JSONValue] = [:]
        if let uid = options.preconditionUID { preconditions["uid"] = .string(uid) }
        if let rv = options.preconditionResourceVersion { preconditions["resourceVersion"] = .string(rv) }
        if !preconditions.isEmpty { body["preconditions"] = .object(preconditions) }
        if let policy = options.propagationPolicy { body["propagationPolicy"] = .string(policy) }
        if let grace = options.gracePeriodSeconds { body["gracePeriodSeconds"] = .int(Int64(grace)) }
        if options.dryRun { body["dryRun"] = ["All"] }
        return KubeRequest(
            method: .DELETE, path: resource.path(namespace: namespace, name: name),
            body: JSONWriter.bytes(.object(body)), idempotent: false)
    }

    func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw KubeError.decoding("response", error)
        }
    }
}
