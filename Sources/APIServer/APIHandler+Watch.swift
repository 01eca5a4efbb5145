import EdgeAIAPI
import Hummingbird
import NIOCore
import ObjectStore

extension APIHandler {
    /// Watch events waiting for one client before it counts as not reading.
    static let maxQueuedEvents = 4096

    private enum WatchItem: Sendable {
        case event(StoreEvent)
        case bookmark
        case end
    }

    /// A chunked stream of watch events. Without a resourceVersion (or "0") the current objects
    /// come first as ADDED. A compacted resourceVersion answers 200 with one ERROR (410 Expired)
    /// event, as kube-apiserver does. Ends on `timeoutSeconds`, store close or server shutdown.
    ///
    /// A streaming list (`sendInitialEvents=true`, `resourceVersionMatch=NotOlderThan`, KEP-3157)
    /// sends the current objects as ADDED, then, with `allowWatchBookmarks`, a BOOKMARK at the
    /// list's revision annotated `k8s.io/initial-events-end: "true"`, then live events; the
    /// current state always satisfies "not older than" any resourceVersion this server issued.
    /// `sendInitialEvents=false` starts at the resourceVersion (or now) with no initial events.
    func watchResponse(_ d: ResourceDefinition, namespace: String?, options: ListOptions, query: QueryParameters, table: Bool) async throws -> Response {
        let listQuery = try ListQuery(query: query, watch: true)
        let encoder = WatchEncoder(definition: d, options: options, table: table)
        let initial: [StoredObject]
        let after: Int64
        let sendsInitial: Bool
        switch listQuery.sendInitialEvents {
        case true?: sendsInitial = true
        case false?: sendsInitial = false
        case nil: sendsInitial = listQuery.revision == nil || listQuery.revision == 0
        }
        if sendsInitial {
            let page = await rest.store.list(resource: d.storeResource, namespace: namespace)
            initial = page.items
            after = page.revision
        } else if let rv = listQuery.revision, rv != 0 {
            initial = []
            after = rv
        } else {
            initial = []
            after = await rest.store.currentRevision
        }
        let initialEventsEnd = listQuery.streamsInitialEvents
        let stream: AsyncThrowingStream<StoreEvent, any Error>
        do {
            stream = try await rest.store.watch(resource: d.storeResource, namespace: namespace, after: after)
        } catch let error as StoreError where error.code == .compacted {
            let (requested, oldest) = error.compaction ?? (after, after)
            let line = WatchEncoder.error(.expired(requested: requested, oldest: oldest))
            return Self.json(200, line)
        }
        let bookmarks = listQuery.allowWatchBookmarks
        let timeout = listQuery.timeoutSeconds.flatMap { $0 > 0 ? Duration.seconds($0) : nil }
        let interval = bookmarkInterval
        let shutdown = self.shutdown
        let body = ResponseBody { writer in
            // The store's stream is pulled as fast as the client reads; a client that stops reading
            // while `maxQueuedEvents` wait is disconnected (it watches again from the last
            // resourceVersion it saw, as kube-apiserver's slow watchers do), never buffered without bound.
            let (items, continuation) = AsyncStream.makeStream(
                of: WatchItem.self, bufferingPolicy: .bufferingOldest(Self.maxQueuedEvents))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await event in stream {
                            guard case .enqueued = continuation.yield(.event(event)) else {
                                continuation.finish()
                                return
                            }
                        }
                    } catch {}
                    continuation.yield(.end)
                }
                if bookmarks {
                    group.addTask {
                        while true {
                            try await Task.sleep(for: interval)
                            continuation.yield(.bookmark)
                        }
                    }
                }
                if let timeout {
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        if case .dropped = continuation.yield(.end) { continuation.finish() }
                    }
                }
                group.addTask {
                    await shutdown.wait()
                    if case .dropped = continuation.yield(.end) { continuation.finish() }
                }
                var lastRevision = after
                var pending: [ByteBuffer] = []
                for object in initial {
                    if let line = encoder.added(object) { pending.append(ByteBuffer(bytes: line)) }
                }
                if initialEventsEnd { pending.append(ByteBuffer(bytes: encoder.bookmark(revision: after, initialEventsEnd: true))) }
                if !pending.isEmpty { try await writer.write(contentsOf: pending) }
                loop: for await item in items {
                    switch item {
                    case .event(let event):
                        lastRevision = event.revision
                        if let line = encoder.line(for: event) { try await writer.write(ByteBuffer(bytes: line)) }
                    case .bookmark:
                        try await writer.write(ByteBuffer(bytes: encoder.bookmark(revision: lastRevision)))
                    case .end:
                        break loop
                    }
                }
                continuation.finish()
                group.cancelAll()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
