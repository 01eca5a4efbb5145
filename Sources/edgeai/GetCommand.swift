import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient
import NodeCommands

/// `edgeai get TYPE [NAME…]`: lists or shows datasets and models as kubectl does.
///
/// Tables come from the server (`as=Table`), so the columns are the CRD's printer columns on any
/// cluster. `-w` prints the initial state, then one line per change until the server ends the
/// watch or the user interrupts.
struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show datasets or models (table, wide, yaml, json or name), optionally watching for changes.",
        discussion: "TYPE is datasets, models or their short names (dataset, dset, model, mdl). Example: edgeai get dset -A -w")

    @OptionGroup var client: ClientOptions

    @Argument(help: "datasets | models (or dataset, dset, model, mdl), optionally TYPE/NAME.")
    var type: String

    @Argument(help: "Names of objects to show (default: all).")
    var names: [String] = []

    @Flag(name: [.customShort("A"), .long], help: "List across all namespaces.")
    var allNamespaces = false

    @Option(name: .shortAndLong, help: "Output format: wide, yaml, json or name.")
    var output: String?

    @Option(name: [.customShort("l"), .long], help: "Label selector, e.g. env=prod,tier!=gpu.")
    var selector: String?

    @Option(help: "Field selector, e.g. spec.nodeName=edge0.")
    var fieldSelector: String?

    @Flag(name: [.customShort("w"), .long], help: "After listing, watch for changes.")
    var watch = false

    @Flag(help: "With --watch, print the event type (ADDED, MODIFIED, DELETED) before each line.")
    var outputWatchEvents = false

    @Flag(help: "Do not print the header line.")
    var noHeaders = false

    func run() async throws {
        try await reportingErrors {
            var names = self.names
            let kind: ResourceKind
            if let (k, name) = try ResourceKind.splitSlash(type) {
                kind = k
                names.insert(name, at: 0)
            } else {
                kind = try ResourceKind.resolve(type)
            }
            let format = try OutputFormat.parse(output)
            if allNamespaces && !names.isEmpty {
                throw CLIError("a resource cannot be retrieved by name across all namespaces (drop -A, or give -n NAMESPACE)")
            }
            try await client.withClient { kube, config in
                let run = GetRun(
                    kube: kube, kind: kind, namespace: allNamespaces || !kind.type.namespaced ? nil : client.effectiveNamespace(config), names: names,
                    format: format, options: ListOptions(labelSelector: selector, fieldSelector: fieldSelector),
                    printer: TablePrinter(wide: format == .wide, withNamespace: allNamespaces),
                    noHeaders: noHeaders, watching: watch, watchEvents: outputWatchEvents)
                let initial = try await run.printInitial()
                for line in initial.missing { printError(line) }
                if !initial.missing.isEmpty { throw ExitCode.failure }
                if watch { try await run.watch(from: initial.resourceVersion, widths: initial.widths) }
            }
        }
    }
}

/// One `get` invocation's I/O; text comes from the pure printers.
struct GetRun {
    let kube: KubeClient
    let kind: ResourceKind
    let namespace: String?
    let names: [String]
    let format: OutputFormat
    let options: ListOptions
    let printer: TablePrinter
    let noHeaders: Bool
    let watching: Bool
    let watchEvents: Bool

    var isTable: Bool { format == .table || format == .wide }

    /// Prints the current objects; returns the resourceVersion a watch resumes from, for a
    /// non-empty table its column widths (so watch lines align under it), and the error lines of
    /// names not found.
    func printInitial() async throws -> (resourceVersion: String?, widths: [Int]?, missing: [String]) {
        var missing: [String] = []
        // Objects fetched by name carry their own (older) resourceVersions; a watch resumes from
        // the collection's, taken first so no change between the reads is missed.
        let collectionVersion = watching && !names.isEmpty
            ? try await kube.listPage(kind.type, namespace: namespace, options: ListOptions(limit: 1))["metadata"]?["resourceVersion"]?.stringValue
            : nil
        if isTable {
            var table: Table
            if names.isEmpty {
                table = try await kube.listTable(kind.type, namespace: namespace, options: options)
            } else {
                let tables = try await eachName { try await kube.getTable(kind.type, namespace: namespace, name: $0) }
                missing = tables.missing
                table = tables.found.first ?? Table(metadata: ListMeta(), columnDefinitions: [], rows: [])
                table.rows = tables.found.flatMap(\.rows)
            }
            if table.rows.isEmpty {
                if !watching && names.isEmpty { printError(Self.noResources(namespace)) }
                return (collectionVersion ?? table.metadata.resourceVersion, nil, missing)
            }
            let lines = tableLines(table, event: "ADDED")
            var widths = TablePrinter.widths(lines)
            // Leave room for MODIFIED and DELETED under the initial ADDED.
            if watchEvents, !widths.isEmpty { widths[0] = max(widths[0], "MODIFIED".count) }
            writeOutput(lines.map { TablePrinter.line($0, widths: widths) }.joined())
            return (collectionVersion ?? table.metadata.resourceVersion, widths, missing)
        }
        var objects: [JSONValue] = []
        var resourceVersion: String?
        if names.isEmpty {
            let list = try await kube.list(kind.type, namespace: namespace, options: options)
            objects = list["items"]?.arrayValue ?? []
            resourceVersion = list["metadata"]?["resourceVersion"]?.stringValue
        } else {
            (objects, missing) = try await eachName { try await kube.get(kind.type, namespace: namespace, name: $0) }
        }
        if objects.isEmpty && names.isEmpty && format == .name {
            if !watching { printError(Self.noResources(namespace)) }
        } else if !objects.isEmpty {
            writeOutput(ObjectPrinter.render(objects, format: format, kind: kind, single: names.count == 1))
        }
        return (collectionVersion ?? resourceVersion, nil, missing)
    }

    /// `fetch` for every name, in order. Like kubectl, a missing name does not hide the others:
    /// the error lines of the missing ones are returned, to be printed after the output.
    func eachName<T>(_ fetch: (String) async throws -> T) async throws -> (found: [T], missing: [String]) {
        var found: [T] = []
        var missing: [String] = []
        for name in names {
            do {
                found.append(try await fetch(name))
            } catch let error as KubeError where error.isNotFound {
                missing.append(CLIErrorMessage.line(for: error))
            }
        }
        return (found, missing)
    }

    static func noResources(_ namespace: String?) -> String {
        namespace.map { "No resources found in \($0) namespace." } ?? "No resources found"
    }

    /// Header (unless `--no-headers`) and rows as cells, with an EVENT column when asked for.
    func tableLines(_ table: Table, event: String) -> [[String]] {
        var lines = table.rows.map { printer.cells($0, columns: printer.visibleColumns(table)) }
        var header = printer.headers(table)
        if watchEvents {
            header.insert("EVENT", at: 0)
            lines = lines.map { [event] + $0 }
        }
        return noHeaders ? lines : [header] + lines
    }

    /// Follows changes after `resourceVersion` until the server closes the stream. Table lines
    /// align to `widths` (the initial table's); without one, the first event prints the header.
    func watch(from resourceVersion: String?, widths initialWidths: [Int]?) async throws {
        var options = options
        options.resourceVersion = resourceVersion
        if names.count == 1 {
            let byName = "metadata.name=\(names[0])"
            options.fieldSelector = options.fieldSelector.map { "\($0),\(byName)" } ?? byName
        }
        if isTable {
            let stream = try await kube.watchTable(kind.type, namespace: namespace, options: options)
            var widths = initialWidths
            for try await event in stream {
                guard let (type, object) = Self.split(event), var table = try? KubeJSON.decode(Table.self, from: object) else { continue }
                table.rows = table.rows.filter { isWanted($0.object) }
                if table.rows.isEmpty { continue }
                var lines = tableLines(table, event: type)
                if let widths {
                    if !noHeaders { lines.removeFirst() }
                    writeOutput(lines.map { TablePrinter.line($0, widths: widths) }.joined())
                } else {
                    // No initial table: size columns generously so later rows still line up.
                    let computed = TablePrinter.widths(lines).map { max($0, 16) }
                    widths = computed
                    writeOutput(lines.map { TablePrinter.line($0, widths: computed) }.joined())
                }
            }
        } else {
            let stream = try await kube.watch(kind.type, namespace: namespace, options: options)
            for try await event in stream {
                guard let (_, object) = Self.split(event), isWanted(object) else { continue }
                let text = ObjectPrinter.render([object], format: format, kind: kind, single: true)
                writeOutput(format == .yaml ? "---\n" + text : text)
            }
        }
    }

    /// Whether a watched object is one of the names asked for (every object when none were).
    func isWanted(_ object: JSONValue?) -> Bool {
        names.isEmpty || names.contains(object?["metadata"]?["name"]?.stringValue ?? "")
    }

    static func split(_ event: WatchStream<JSONValue>.Event) -> (String, JSONValue)? {
        switch event {
        case .added(let o): ("ADDED", o)
        case .modified(let o): ("MODIFIED", o)
        case .deleted(let o): ("DELETED", o)
        case .bookmark: nil
        }
    }
}
