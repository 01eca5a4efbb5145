import ArgumentParser
import EdgeAIAPI
import KubeClient

/// `edgeai apply -f FILE|DIR|-`: creates or updates every Dataset and Model in the manifests.
///
/// Each object is sent as a server-side apply (field manager `edgeai`), which works on any
/// Kubernetes API server and on the embedded one; the line printed says what happened —
/// `created` (it did not exist), `configured` (its resourceVersion moved) or `unchanged`.
/// Status in a manifest is ignored (it belongs to the edge agent). Objects are applied in order;
/// the first failure stops with exit 1, after the lines of those already applied.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update datasets and models from YAML or JSON manifests.",
        discussion: "Example: edgeai apply -f deploy/samples/ (or - for standard input)")

    @OptionGroup var client: ClientOptions

    @Option(name: [.customShort("f"), .long], help: "A manifest file, a directory of them, or - for standard input (repeatable).")
    var filename: [String] = []

    @Flag(help: "Take ownership of fields another manager set (server-side apply conflicts).")
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
                    throw ManifestError("\(doc.source): \(error)")
                }
            }
            if planned.isEmpty { throw ManifestError("no objects passed to apply") }
            try await client.withClient { kube, config in
                let defaultNamespace = client.effectiveNamespace(config)
                for (kind, object) in planned {
                    let outcome = try await Self.apply(
                        kube, kind: kind, object: object, defaultNamespace: defaultNamespace,
                        options: WriteOptions(dryRun: dryRun, fieldManager: "edgeai", force: forceConflicts))
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
        _ kube: KubeClient, kind: ResourceKind, object: JSONValue, defaultNamespace: String, options: WriteOptions
    ) async throws -> Outcome {
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw ManifestError("\(kind.type.kind): metadata.name: Required value (apply needs a name)")
        }
        let namespace = object["metadata"]?["namespace"]?.stringValue ?? defaultNamespace
        let body = applyBody(object, namespace: namespace)
        var before: String?
        do {
            before = try await kube.get(kind.type, namespace: namespace, name: name)["metadata"]?["resourceVersion"]?.stringValue
        } catch let error as KubeError where error.isNotFound {
            before = nil
        }
        let after = try await kube.patch(kind.type, namespace: namespace, name: name, body, type: .apply, options: options)
        let verb: String
        if before == nil {
            verb = "created"
        } else {
            verb = after["metadata"]?["resourceVersion"]?.stringValue == before ? "unchanged" : "configured"
        }
        return Outcome(name: name, verb: verb)
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
