import EdgeAIAPI
import Hummingbird
import JSON
import KubeClient
import Logging
import NIOCore

/// One page's server-sent-event stream: a watch made with the viewer's token from the page's
/// resourceVersion, each change sent as the same ``Row`` the page rendered.
///
/// Bounded: no queue of its own (a slow browser slows the watch through TCP, the API server
/// bounds its side); the watch is renewed every `renewal`, which is also how a browser that went
/// away is noticed (the next write fails) and how an ended session ends the stream. Events:
/// `change` (`{"type", "row"}`), `expired` (the start is older than the API's history: reload),
/// `signedout`, `failed` (`{"message"}`).
struct LiveStream: Sendable {
    let kind: PageKind
    let query: PageQuery
    let viewer: Viewer
    let session: String
    let state: DashboardState
    let renewal: Duration
    let logger: Logger

    func run(from start: String?, slot: StreamSlot, writer: inout any ResponseBodyWriter) async throws {
        _ = slot  // held until the stream ends
        try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
        var resourceVersion = start
        do {
            if resourceVersion == nil {
                // A watch without a resourceVersion replays every object as ADDED: start from now.
                let list = try await viewer.client.listPage(
                    kind.resource, namespace: query.namespace,
                    options: ListOptions(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit: 1))
                resourceVersion = list["metadata"]?["resourceVersion"]?.stringValue
            }
            let seconds = max(1, Int(renewal.components.seconds))
            while !Task.isCancelled {
                guard await state.viewer(session: session) != nil else {
                    let stopping = await state.stopping
                    try await writer.write(ByteBuffer(string: stopping
                        ? "event: failed\ndata: {\"message\":\"the dashboard is stopping\"}\n\n" : "event: signedout\ndata: {}\n\n"))
                    break
                }
                let events = try await viewer.client.watch(
                    kind.resource, namespace: query.namespace,
                    options: ListOptions(
                        labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, resourceVersion: resourceVersion,
                        timeoutSeconds: seconds, allowWatchBookmarks: true))
                for try await event in events {
                    let type: String
                    let object: JSONValue
                    switch event {
                    case .added(let o): (type, object) = ("ADDED", o)
                    case .modified(let o): (type, object) = ("MODIFIED", o)
                    case .deleted(let o): (type, object) = ("DELETED", o)
                    case .bookmark(let version):
                        resourceVersion = version
                        continue
                    }
                    let version = object["metadata"]?["resourceVersion"]?.stringValue
                    if let version { resourceVersion = version }
                    let row = kind.row(object)
                    if let prefix = query.prefix, !row.name.hasPrefix(prefix) { continue }
                    let data = JSONWriter.string(["type": .string(type), "row": row.json])
                    try await writer.write(ByteBuffer(string: "id: \(version ?? "")\nevent: change\ndata: \(data)\n\n"))
                }
                try await writer.write(ByteBuffer(string: ": renew\n\n"))
            }
        } catch let error as KubeError where error.kind == .gone {
            try await writer.write(ByteBuffer(string: "event: expired\ndata: {}\n\n"))
        } catch let error as KubeError {
            // Signing out (or the dashboard stopping) shuts the session's client down, which ends its watches.
            if await state.stopping {
                try await writer.write(ByteBuffer(string: "event: failed\ndata: {\"message\":\"the dashboard is stopping\"}\n\n"))
                try await writer.finish(nil)
                return
            }
            guard await state.viewer(session: session) != nil else {
                try await writer.write(ByteBuffer(string: "event: signedout\ndata: {}\n\n"))
                try await writer.finish(nil)
                return
            }
            let (_, text) = DashboardRoutes.describe(error)
            try await writer.write(ByteBuffer(string: "event: failed\ndata: \(JSONWriter.string(["message": .string(text)]))\n\n"))
        }
        try await writer.finish(nil)
    }
}
