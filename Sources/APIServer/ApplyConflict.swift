import JSON

/// An apply that would change fields other managers own: 409 Conflict, worded as kube words it.
struct ApplyConflict: Error, Sendable {
    struct Item: Sendable {
        var entry: ManagedFields.Entry
        var path: [String]
    }

    var items: [Item]

    /// `"name"`, `with subresource "s"`, and `using <apiVersion>` for an Update entry.
    static func describe(_ e: ManagedFields.Entry) -> String {
        var s = APIError.quote(e.manager)
        if !e.subresource.isEmpty { s += " with subresource \(APIError.quote(e.subresource))" }
        if e.operation == .update { s += " using \(e.apiVersion)" }
        return s
    }

    var sorted: [Item] {
        items.sorted { a, b in
            let ka = [a.entry.manager, a.entry.operation.rawValue, a.entry.subresource]
            let kb = [b.entry.manager, b.entry.operation.rawValue, b.entry.subresource]
            if ka != kb { return ka.lexicographicallyPrecedes(kb) }
            return FieldSet.describe(a.path) < FieldSet.describe(b.path)
        }
    }

    var message: String {
        let items = sorted
        if items.count == 1 {
            return "Apply failed with 1 conflict: conflict with \(Self.describe(items[0].entry)): \(FieldSet.describe(items[0].path))"
        }
        var lines: [String] = []
        var last: String?
        for item in items {
            let who = Self.describe(item.entry)
            if who != last {
                lines.append("conflicts with \(who):")
                last = who
            }
            lines.append("- \(FieldSet.describe(item.path))")
        }
        return "Apply failed with \(items.count) conflicts: " + lines.joined(separator: "\n")
    }

    var apiError: APIError {
        let causes: [JSONValue] = sorted.map { item in
            .object([
                "type": "FieldManagerConflict", "message": .string("conflict with \(Self.describe(item.entry))"),
                "field": .string(FieldSet.describe(item.path)),
            ])
        }
        return APIError(code: 409, reason: "Conflict", message: message, details: .object(["causes": .array(causes)]))
    }
}
