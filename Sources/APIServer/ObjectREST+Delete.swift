import EdgeAIAPI
import JSON
import ObjectStore

extension ObjectREST {
    /// DELETE of one object. With finalizers the object only gets a deletionTimestamp (answer:
    /// the object, 200); otherwise it is removed (answer: Status Success, 200). A namespace takes
    /// its namespaced objects with it.
    func delete(_ d: ResourceDefinition, namespace: String?, name: String, options: WriteOptions, deleteOptions: JSONValue?) async throws -> WriteResult {
        let k = key(d, namespace, name)
        let uidPrecondition = deleteOptions?["preconditions"]?["uid"]?.stringValue
        let rvPrecondition = deleteOptions?["preconditions"]?["resourceVersion"]?.stringValue.flatMap { Int64($0) }
        for _ in 0..<32 {
            guard let current = await store.get(k) else { throw APIError.notFound(d, name: name) }
            let object: JSONValue
            do { object = try JSONParser.parse(current.value) } catch { throw APIError.internalError("stored object \(k) is not JSON") }
            let uid = object["metadata"]?["uid"]?.stringValue ?? ""
            if let uidPrecondition, uidPrecondition != uid {
                throw APIError.conflict(d, name: name, message: "Precondition failed: UID in precondition: \(uidPrecondition), UID in object meta: \(uid)")
            }
            if let rvPrecondition, rvPrecondition != current.revision {
                throw APIError.conflict(d, name: name, message: "Precondition failed: ResourceVersion in precondition: \(rvPrecondition), ResourceVersion in object meta: \(current.revision)")
            }
            let finalizers = object["metadata"]?["finalizers"]?.arrayValue ?? []
            if !finalizers.isEmpty {
                if object["metadata"]?["deletionTimestamp"] != nil { return WriteResult(status: 200, body: current.value) }
                return try await guaranteedUpdate(d, namespace: namespace, name: name, precondition: nil, options: options) { old in
                    var new = old
                    new["metadata"]?["deletionTimestamp"] = .string(Time.now().rfc3339)
                    new["metadata"]?["deletionGracePeriodSeconds"] = 0
                    return (new, [])
                }
            }
            let success: JSONValue = [
                "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success",
                "details": ["name": .string(name), "group": .string(d.type.group), "kind": .string(d.type.plural), "uid": .string(uid)],
            ]
            if options.dryRun { return WriteResult(status: 200, body: JSONWriter.bytes(success)) }
            if d.type.plural == "namespaces", d.type.group.isEmpty {
                for nd in registry.definitions where nd.type.namespaced {
                    _ = try await deleteCollection(nd, namespace: name, labelSelector: LabelSelector(parsing: ""), fieldSelector: nil, options: options)
                }
            }
            do {
                _ = try await store.delete(k, expectedRevision: current.revision)
            } catch let error as StoreError where error.code == .conflict {
                continue
            } catch let error as StoreError where error.code == .notFound {
                throw APIError.notFound(d, name: name)
            }
            if d.type.plural == "namespaces", d.type.group.isEmpty {
                var terminating = object
                terminating["status"] = ["phase": "Terminating"]
                return WriteResult(status: 200, body: JSONWriter.bytes(terminating))
            }
            return WriteResult(status: 200, body: JSONWriter.bytes(success))
        }
        throw APIError.conflict(d, name: name)
    }

    /// DELETE of a collection: deletes (or marks, with finalizers) every matching object and
    /// answers with the list of them.
    func deleteCollection(_ d: ResourceDefinition, namespace: String?, labelSelector: LabelSelector, fieldSelector: FieldSelector?, options: WriteOptions) async throws -> [UInt8] {
        let page = await store.list(resource: d.storeResource, namespace: d.type.namespaced ? namespace : nil)
        var deleted: [[UInt8]] = []
        for item in page.items {
            guard let object = try? JSONParser.parse(item.value) else { continue }
            guard labelSelector.matches(object["metadata"]?["labels"]?.objectValue), fieldSelector?.matches(object) ?? true else { continue }
            do {
                let result = try await delete(d, namespace: item.key.namespace, name: item.key.name, options: options, deleteOptions: nil)
                deleted.append(object["metadata"]?["finalizers"] == nil ? item.value : result.body)
            } catch let error as APIError where error.code == 404 {
                continue
            }
        }
        let revision = await store.currentRevision
        return ListEncoder.list(d, items: deleted, resourceVersion: String(revision), continueToken: nil, remaining: nil)
    }
}

/// Writes lists by concatenating stored object bytes (no re-serialization of items).
enum ListEncoder {
    static func list(_ d: ResourceDefinition, items: [[UInt8]], resourceVersion: String, continueToken: String?, remaining: Int?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(128) { $0 + $1.count + 1 })
        out.append(contentsOf: "{\"apiVersion\":".utf8)
        JSONWriter.writeString(d.type.apiVersion, into: &out)
        out.append(contentsOf: ",\"items\":[".utf8)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: item)
        }
        out.append(contentsOf: "],\"kind\":".utf8)
        JSONWriter.writeString(d.listKind, into: &out)
        var metadata: [String: JSONValue] = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remaining { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        out.append(contentsOf: ",\"metadata\":".utf8)
        JSONWriter.write(.object(metadata), into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
