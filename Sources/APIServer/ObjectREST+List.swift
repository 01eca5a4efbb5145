import EdgeAIAPI
import Foundation
import JSON
import ObjectStore

/// The options of a list or watch request.
struct ListOptions: Sendable {
    var labelSelector: LabelSelector
    var fieldSelector: FieldSelector
    var limit: Int?
    var continueAfter: ObjectKey?

    init(query: QueryParameters, definition d: ResourceDefinition) throws {
        labelSelector = try LabelSelector(parsing: query["labelSelector"] ?? "")
        fieldSelector = try FieldSelector(parsing: query["fieldSelector"] ?? "", for: d)
        if let l = query["limit"], !l.isEmpty {
            // As kube: Go's ParseInt text for a non-number; zero or negative means no limit.
            do throws(GoStrconv.Failure) {
                let n = try GoStrconv.parseInt(l)
                limit = n > 0 ? Int(clamping: n) : nil
            } catch {
                throw APIError.badRequest(error.message)
            }
        }
        if let token = query["continue"], !token.isEmpty {
            continueAfter = try ContinueToken.decode(token, resource: d.storeResource)
        }
    }

    var hasSelectors: Bool { !labelSelector.isEmpty || !fieldSelector.isEmpty }

    func matches(_ object: JSONValue) -> Bool {
        labelSelector.matches(object["metadata"]?["labels"]?.objectValue) && fieldSelector.matches(object)
    }
}

/// The opaque `continue` token: base64url of `{"rv":N,"start":"<namespace>\u0000<name>"}`.
enum ContinueToken {
    static func encode(after key: ObjectKey, revision: Int64) -> String {
        let json = JSONWriter.bytes(["rv": .int(revision), "start": .string(key.namespace + "\u{0}" + key.name)])
        return Data(json).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Worded as kube-apiserver words a bad token: `invalid continue token: continue key is not
    /// valid: <base64 or JSON error>` (reference 67).
    static func decode(_ token: String, resource: String) throws -> ObjectKey {
        let prefix = "invalid continue token: continue key is not valid: "
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        if let bad = token.utf8.firstIndex(where: { !alphabet.contains($0) }) {
            throw APIError.badRequest(prefix + "illegal base64 data at input byte \(token.utf8.distance(from: token.utf8.startIndex, to: bad))")
        }
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64) else {
            throw APIError.badRequest(prefix + "illegal base64 data at input byte \(token.utf8.count - 1)")
        }
        let bytes = [UInt8](data)
        let value: JSONValue
        do throws(JSONParser.Error) {
            value = try JSONParser.parse(bytes)
        } catch {
            if error.offset < bytes.count, error.message.hasSuffix("looking for beginning of value") {
                throw APIError.badRequest(prefix + "invalid character \(GoStrconv.quoteChar(bytes[error.offset])) looking for beginning of value")
            }
            throw APIError.badRequest(prefix + error.message)
        }
        guard let start = value["start"]?.stringValue else {
            throw APIError.badRequest(prefix + "incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        let parts = start.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        return ObjectKey(resource: resource, namespace: String(parts[0]), name: parts.count > 1 ? String(parts[1]) : "")
    }
}

/// One page of a list: stored bytes (and parsed objects when selectors or tables needed them).
struct ListPage: Sendable {
    var items: [StoredObject]
    var revision: Int64
    var continueToken: String?
    var remaining: Int?
}

extension ObjectREST {
    func list(_ d: ResourceDefinition, namespace: String?, options: ListOptions) async throws -> ListPage {
        let ns = d.type.namespaced ? namespace : nil
        if let name = options.fieldSelector.pinnedName, options.continueAfter == nil {
            // `metadata.name=x` (kubectl wait): one lookup instead of a scan.
            let revision = await store.currentRevision
            var items: [StoredObject] = []
            if let ns, let object = await store.get(key(d, ns, name)) {
                items = [object]
            } else if ns == nil {
                items = await store.list(resource: d.storeResource).items.filter { $0.key.name == name }
            }
            items = items.filter { (try? JSONParser.parse($0.value)).map(options.matches) ?? false }
            return ListPage(items: items, revision: revision)
        }
        guard options.hasSelectors else {
            // The index pages and counts what remains: no object beyond the page is touched.
            let page = await store.list(resource: d.storeResource, namespace: ns, continueAfter: options.continueAfter, limit: options.limit)
            guard page.remaining > 0, let last = page.items.last else { return ListPage(items: page.items, revision: page.revision) }
            return ListPage(
                items: page.items, revision: page.revision, continueToken: ContinueToken.encode(after: last.key, revision: page.revision),
                remaining: page.remaining)
        }
        // Read in chunks (no store call holds the store for the whole collection), parsed only
        // past the byte prefilter, until the page and one more (which says whether a continue
        // token is due) are found. The list's resourceVersion is the first chunk's: a write
        // between chunks may show in a later one and be replayed by a watch from that version,
        // never missed.
        let prefilter = ListPrefilter(labels: options.labelSelector, fields: options.fieldSelector)
        let wanted = options.limit.map { $0 + 1 } ?? Int.max
        var items: [StoredObject] = []
        var revision: Int64?
        var cursor = options.continueAfter
        scan: while true {
            let chunk = await store.list(resource: d.storeResource, namespace: ns, continueAfter: cursor, limit: Self.selectorChunk)
            revision = revision ?? chunk.revision
            for item in chunk.items where prefilter.admits(item.value) {
                guard (try? JSONParser.parse(item.value)).map(options.matches) ?? false else { continue }
                items.append(item)
                if items.count == wanted { break scan }
            }
            guard chunk.remaining > 0, let last = chunk.items.last else { break }
            cursor = last.key
        }
        let listRevision = revision ?? 0
        guard let limit = options.limit, items.count > limit else {
            return ListPage(items: items, revision: listRevision)
        }
        let page = Array(items.prefix(limit))
        let token = page.last.map { ContinueToken.encode(after: $0.key, revision: listRevision) }
        return ListPage(items: page, revision: listRevision, continueToken: token, remaining: nil)
    }

    /// Objects read per store call while a selector filters a list.
    static let selectorChunk = 500
}
