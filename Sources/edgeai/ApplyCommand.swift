import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient

/// `edgeai apply -f FILE|DIR|-`: creates or updates every Dataset and Model in the manifests.
///
/// By default it is kubectl's client-side apply: the manifest is recorded in the
/// `kubectl.kubernetes.io/last-applied-configuration` annotation and changes are sent as a
/// three-way JSON merge patch (``ThreeWayMerge``), so fields removed from the manifest are removed
/// from the object, fields others set are kept, and `kubectl apply` and `edgeai apply` take turns
/// on the same objects. `--server-side` sends a server-side apply instead (field manager `edgeai`).
/// Each line says what happened: `created`, `configured` or `unchanged`. Status in a manifest is
/// ignored (it belongs to the edge agent). Objects are applied in order; the first failure stops
/// with exit 1, after the lines of those already applied.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update datasets and models from YAML or JSON manifests.",
        discussion: "Example: edgeai apply -f deploy/samples/ (or - for standard input)")

    @OptionGroup var client: ClientOptions

    @Option(name: [.customShort("f"), .long], help: "A manifest file, a directory of them, or - for standard input (repeatable).")
    var filename: [String] = []

    @Flag(help: "Use server-side apply (field manager edgeai) instead of kubectl's client-side apply.")
    var serverSide = false

    @Flag(help: "With --server-side, take ownership of fields another manager set.")
    var forceConflicts = false

    @Flag(help: "Validate on the server, change nothing.")
    var dryRun = false

    func validate() throws {
        if filename.isEmpty { throw ValidationError("must specify one of -f and -k (edgeai supports -f FILE|DIR|-)") }
    }

    func run() async throws {
        try await reportingErrors {
            let documents = try ManifestSource.read(filename)
            let planned = try documents.map { doc throws -> (ResourceKind, JSONValue) in
                do {
                    return (try ResourceKind.forObject(doc.object), doc.object)
                } catch {
                    throw CLIError("\(doc.source): \(error)")
                }
            }
            if planned.isEmpty { throw CLIError("no objects passed to apply") }
            try await client.withClient { kube, config in
                let defaultNamespace = client.effectiveNamespace(config)
                for (kind, object) in planned {
                    let outcome = try await Self.apply(
                        kube, kind: kind, object: object, defaultNamespace: defaultNamespace, serverSide: serverSide,
                        options: WriteOptions(dryRun: dryRun, fieldManager: serverSide ? "edgeai" : "edgeai-client-side-apply", force: forceConflicts))
                    writeOutput("\(kind.objectName(outcome.name)) \(outcome.verb)\(dryRun ? " (server dry run)" : "")\n")
                }
            }
        }
    }

    struct Outcome {
        var name: String
        var verb: String
    }

    /// Applies one object; `verb` is created, configured or unchanged.
    static func apply(
        _ kube: KubeClient, kind: ResourceKind, object: JSONValue, defaultNamespace: String, serverSide: Bool, options: WriteOptions
    ) async throws -> Outcome {
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw CLIError("\(kind.type.kind): metadata.name: Required value (apply needs a name)")
        }
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? defaultNamespace
        let body = applyBody(object, namespace: namespace)
        var current: JSONValue?
        do {
            current = try await kube.get(kind.type, namespace: namespace, name: name)
        } catch let error as KubeError where error.isNotFound {
            current = nil
        }
        if serverSide {
            let before = current?["metadata"]?["resourceVersion"]?.stringValue
            let after = try await kube.patch(kind.type, namespace: namespace, name: name, body, type: .apply, options: options)
            let moved = after["metadata"]?["resourceVersion"]?.stringValue != before
            return Outcome(name: name, verb: current == nil ? "created" : moved ? "configured" : "unchanged")
        }
        let modified = ThreeWayMerge.withLastApplied(body)
        guard let current else {
            _ = try await kube.create(kind.type, namespace: namespace, modified, options: options)
            return Outcome(name: name, verb: "created")
        }
        guard let patch = ThreeWayMerge.patch(original: ThreeWayMerge.lastApplied(current), modified: modified, current: current) else {
            return Outcome(name: name, verb: "unchanged")
        }
        _ = try await kube.patch(kind.type, namespace: namespace, name: name, patch, type: .merge, options: options)
        return Outcome(name: name, verb: "configured")
    }

    /// The apply document: the manifest with its namespace set, without status and without the
    /// server-owned metadata a copied object may carry. Pure.
    static func applyBody(_ object: JSONValue, namespace: String) -> JSONValue {
        var body = object
        body["status"] = nil
        body["metadata"]?["namespace"] = .string(namespace)
        for field in ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"] {
            body["metadata"]?[field] = nil
        }
        return body
    }
}
