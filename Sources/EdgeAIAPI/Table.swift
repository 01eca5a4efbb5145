public import JSON

/// Server-side table output (`meta.k8s.io/v1` Table), what `kubectl get` prints.
public struct Table: Codable, Sendable, Hashable {
    public var kind: String = "Table"
    public var apiVersion: String = "meta.k8s.io/v1"
    public var metadata: ListMeta
    public var columnDefinitions: [TableColumnDefinition]
    public var rows: [TableRow]

    public init(metadata: ListMeta, columnDefinitions: [TableColumnDefinition], rows: [TableRow]) {
        self.metadata = metadata
        self.columnDefinitions = columnDefinitions
        self.rows = rows
    }
}

public struct TableColumnDefinition: Codable, Sendable, Hashable {
    public var name: String
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int

    public init(name: String, type: String, format: String = "", description: String = "", priority: Int = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }
}

public struct TableRow: Codable, Sendable, Hashable {
    /// One cell per column; a missing value is `null`.
    public var cells: [JSONValue]
    /// A `PartialObjectMetadata` (or the full object when asked for).
    public var object: JSONValue?

    public init(cells: [JSONValue], object: JSONValue?) {
        self.cells = cells
        self.object = object
    }
}
