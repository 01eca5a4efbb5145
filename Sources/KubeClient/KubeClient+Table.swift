public import EdgeAIAPI
import AsyncHTTPClient
public import JSON
import NIOCore
import NIOHTTP1

/// Server-side tables (what `kubectl get` prints) and raw GETs of non-resource paths.
///
/// Tables are asked for as kubectl asks (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
/// so the columns are the ones the server defines (a CRD's printer columns). These methods do
/// not format anything; the caller prints the ``Table``.
extension KubeClient {
    /// The `Accept` value kubectl sends for tables, with plain JSON as the fallback.
    public static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

    /// One object as a one-row table.
    public func getTable(_ resource: ResourceType, namespace: String?, name: String) async throws -> Table {
        try decodeTable(await executeCollecting(KubeRequest(
            method: .GET, path: resource.path(namespace: namespace, name: name), accept: Self.tableAccept, idempotent: true)))
    }

    /// A list as a table (every page, rows concatenated; `options.limit` is the page size).
    public func listTable(_ resource: ResourceType, namespace: String?, options: ListOptions = ListOptions()) async throws -> Table {
        var options = options
        if options.limit == nil { options.limit = 500 }
        var table = try await listTablePage(resource, namespace: namespace, options: options)
        var next = table.metadata.continue
        while let token = next, !token.isEmpty {
            options.continue = token
            let page = try await listTablePage(resource, namespace: namespace, options: options)
            table.rows += page.rows
            next = page.metadata.continue
        }
        table.metadata.continue = nil
        table.metadata.remainingItemCount = nil
        return table
    }

    /// A watch whose events carry one-row tables (`kubectl get -w`). A server that ignores the
    /// table request sends plain objects; the caller tells them apart by `kind`.
    public func watchTable(_ resource: ResourceType, namespace: String?, options: ListOptions = ListOptions()) async throws -> WatchStream<JSONValue> {
        var query = options.query
        query.insert(("watch", "true"), at: 0)
        let headerTimeout = TimeAmount.seconds(Int64((options.timeoutSeconds ?? 3600) + 30))
        let response = try await execute(
            KubeRequest(method: .GET, path: resource.path(namespace: namespace), query: query, accept: Self.tableAccept, idempotent: true),
            headerTimeout: headerTimeout)
        return WatchStream(body: response.body, maximumLineLength: 16 << 20)
    }

    /// GET of any path (e.g. `/version`, `/apis/apiextensions.k8s.io/v1`) as JSON.
    public func getPath(_ path: String) async throws -> JSONValue {
        try parse(await executeCollecting(KubeRequest(method: .GET, path: path, idempotent: true)))
    }

    func listTablePage(_ resource: ResourceType, namespace: String?, options: ListOptions) async throws -> Table {
        try decodeTable(await executeCollecting(KubeRequest(
            method: .GET, path: resource.path(namespace: namespace), query: options.query, accept: Self.tableAccept, idempotent: true)))
    }

    func decodeTable(_ buffer: ByteBuffer) throws -> Table {
        do {
            return try KubeJSON.decode(Table.self, from: buffer.readableBytesView)
        } catch {
            throw KubeError.decoding("table", error)
        }
    }
}
