import EdgeAIAPI
import JSON

/// `metadata.managedFields` as kube-apiserver keeps it: one entry per (manager, operation,
/// subresource) with the fields that manager owns. Pure; ``FieldManager`` applies the rules.
///
/// - Important: entries whose set is empty are never encoded; ``encoded`` sorts as kube does
///   (operation, then time, manager, subresource).
struct ManagedFields: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var manager: String
        var operation: Operation
        var subresource: String
        var apiVersion: String
        var time: String?
        var fields: FieldSet {
            didSet { fieldsV1 = nil }
        }
        /// The FieldsV1 value `fields` was read from, reused when written back unchanged (most
        /// writes change one entry; re-encoding the others would be wasted).
        var fieldsV1: JSONValue?

        init(manager: String, operation: Operation, subresource: String, apiVersion: String, time: String?, fields: FieldSet, fieldsV1: JSONValue? = nil) {
            self.manager = manager
            self.operation = operation
            self.subresource = subresource
            self.apiVersion = apiVersion
            self.time = time
            self.fields = fields
            self.fieldsV1 = fieldsV1
        }

        static func == (a: Entry, b: Entry) -> Bool {
            a.manager == b.manager && a.operation == b.operation && a.subresource == b.subresource && a.apiVersion == b.apiVersion
                && a.time == b.time && a.fields == b.fields
        }

        func identifies(_ manager: String, _ operation: Operation, _ subresource: String) -> Bool {
            self.manager == manager && self.operation == operation && self.subresource == subresource
        }
    }

    enum Operation: String, Sendable, Comparable {
        case apply = "Apply", update = "Update"
        static func < (a: Operation, b: Operation) -> Bool { a.rawValue < b.rawValue }
    }

    var entries: [Entry] = []

    /// Why a stored or requested `managedFields` value cannot be read (kube then falls back to
    /// the live object's entries rather than failing the request).
    struct DecodeError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    /// The most entries read from one object (kube keeps at most 10 Update managers plus appliers).
    static let maxEntries = 256

    /// Reads `metadata.managedFields`; nil or `[]` is no entries.
    static func decode(_ value: JSONValue?) throws(DecodeError) -> ManagedFields {
        guard let value, value != .null else { return ManagedFields() }
        guard case .array(let items) = value else { throw DecodeError(description: "managedFields must be a list") }
        guard items.count <= maxEntries else { throw DecodeError(description: "too many managedFields entries") }
        var out = ManagedFields()
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { throw DecodeError(description: "managed fields entry \(i) is not an object") }
            guard let op = o["operation"]?.stringValue.flatMap(Operation.init(rawValue:)) else {
                throw DecodeError(description: "operation must be `Apply` or `Update`")
            }
            guard let apiVersion = o["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
                throw DecodeError(description: "apiVersion must not be empty")
            }
            switch o["fieldsType"]?.stringValue {
            case "FieldsV1": break
            case nil, "": throw DecodeError(description: "missing fieldsType in managed fields entry \(i)")
            case let other?: throw DecodeError(description: "invalid fieldsType \(APIError.quote(other)) in managed fields entry \(i)")
            }
            let fields: FieldSet
            let source = o["fieldsV1"] ?? .object([:])
            do { fields = try FieldSet(fieldsV1: source) } catch {
                throw DecodeError(description: "error decoding versioned set from entry \(i): \(error.description)")
            }
            out.entries.append(Entry(
                manager: o["manager"]?.stringValue ?? "", operation: op, subresource: o["subresource"]?.stringValue ?? "",
                apiVersion: apiVersion, time: o["time"]?.stringValue, fields: fields, fieldsV1: source))
        }
        return out
    }

    /// The `managedFields` value to store, or nil when no entry owns anything.
    /// kube's order of the encoded entries: by operation, time, manager, subresource.
    static func order(_ operation: String, _ time: String?, _ manager: String, _ subresource: String) -> (String, String, String, String) {
        (operation, time ?? "", manager, subresource)
    }

    var encoded: JSONValue? {
        let kept = entries.filter { !$0.fields.isEmpty }.sorted { p, q in
            Self.order(p.operation.rawValue, p.time, p.manager, p.subresource) < Self.order(q.operation.rawValue, q.time, q.manager, q.subresource)
        }
        guard !kept.isEmpty else { return nil }
        return .array(kept.map { e in
            var o: [String: JSONValue] = [
                "manager": .string(e.manager), "operation": .string(e.operation.rawValue), "apiVersion": .string(e.apiVersion),
                "fieldsType": "FieldsV1", "fieldsV1": e.fieldsV1 ?? e.fields.fieldsV1,
            ]
            if e.manager.isEmpty { o["manager"] = nil }  // omitempty, as kube writes it
            if let time = e.time { o["time"] = .string(time) }
            if !e.subresource.isEmpty { o["subresource"] = .string(e.subresource) }
            return .object(o)
        })
    }

    /// `managedFields: [{}]`, kube's way of asking to clear them.
    static func isResetRequest(_ value: JSONValue?) -> Bool {
        guard case .array(let items)? = value, items.count == 1, case .object(let o) = items[0] else { return false }
        return o.isEmpty
    }

    /// Entry index for an identity, if present.
    func index(_ manager: String, _ operation: Operation, _ subresource: String) -> Int? {
        entries.firstIndex { $0.identifies(manager, operation, subresource) }
    }

    /// Takes `paths` out of every entry but the one at `except`.
    mutating func remove(_ paths: FieldSet, except: Int? = nil) {
        guard !paths.isEmpty else { return }
        for i in entries.indices where i != except {
            let rest = entries[i].fields.subtracting(paths)
            if rest != entries[i].fields { entries[i].fields = rest }
        }
    }

    /// Drops entries that own nothing.
    mutating func dropEmpty() { entries.removeAll { $0.fields.isEmpty } }

    /// kube's cap on Update entries (`DefaultMaxUpdateManagers`).
    static let maxUpdateManagers = 10
    /// The entry the oldest Update entries are merged into past the cap.
    static let ancientChanges = "ancient-changes"

    /// Keeps at most ``maxUpdateManagers`` Update entries by merging the oldest into one
    /// `ancient-changes` entry (kube's `capManagersManager`), so distinct writers cannot grow
    /// an object without bound.
    mutating func capUpdateManagers() {
        let updaters = entries.indices.filter { entries[$0].operation == .update }
        guard updaters.count > Self.maxUpdateManagers else { return }
        let oldestFirst = updaters.sorted { i, j in
            let (a, b) = (entries[i], entries[j])
            if (a.time ?? "") != (b.time ?? "") { return (a.time ?? "") < (b.time ?? "") }
            return a.manager < b.manager
        }
        // Merging k entries into one leaves count - k + 1 updaters.
        let merged = Array(oldestFirst.prefix(updaters.count - Self.maxUpdateManagers + 1))
        var bucket = Entry(manager: Self.ancientChanges, operation: .update, subresource: "", apiVersion: entries[merged[0]].apiVersion, time: nil, fields: FieldSet())
        for i in merged {
            bucket.fields = bucket.fields.union(entries[i].fields)
            bucket.time = entries[i].time
        }
        let gone = Set(merged)
        entries = entries.indices.filter { !gone.contains($0) }.map { entries[$0] }
        if let existing = index(Self.ancientChanges, .update, "") {
            entries[existing].fields = entries[existing].fields.union(bucket.fields)
            entries[existing].time = bucket.time
        } else {
            entries.append(bucket)
        }
    }

    /// Validates entries as `ValidateManagedFields` does; the violations for a 422.
    static func violations(_ value: JSONValue?) -> [FieldViolation] {
        guard case .array(let items)? = value else { return [] }
        var out: [FieldViolation] = []
        for (i, item) in items.enumerated() {
            let base = "metadata.managedFields[\(i)]"
            let manager = item["manager"]?.stringValue ?? ""
            out += FieldManagerName.violations(manager, field: base + ".manager")
            if let sub = item["subresource"]?.stringValue, sub.utf8.count > 256 {
                out.append(FieldViolation(field: base + ".subresource", reason: .tooLong, detail: "Too long: may not be more than 256 bytes"))
            }
        }
        return out
    }
}
