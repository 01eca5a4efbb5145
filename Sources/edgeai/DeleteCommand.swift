import ArgumentParser
import EdgeAIAPI
import JSON
import KubeClient
import NodeCommands

/// `edgeai delete`: by TYPE and names, by TYPE and label selector, or the objects of `-f`.
///
/// Like kubectl it goes on after a failure (e.g. one name not found), prints one error line per
/// failure, and exits 1 if any failed. `--ignore-not-found` makes a missing object no failure.
struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete datasets or models by name, label selector or manifest.",
        discussion: "Examples: edgeai delete dataset sample; edgeai delete dset -l env=test; edgeai delete -f samples.yaml")

    @OptionGroup var client: ClientOptions

    @Argument(help: "TYPE then names, or TYPE/NAME …")
    var arguments: [String] = []

    @Option(name: [.customShort("f"), .long], help: "Delete the objects in these manifests (file, directory or -).")
    var filename: [String] = []

    @Option(name: [.customShort("l"), .long], help: "Delete every object of TYPE matching this label selector.")
    var selector: String?

    @Flag(help: "Delete every object of TYPE in the namespace.")
    var all = false

    @Flag(help: "Treat a missing object as deleted.")
    var ignoreNotFound = false

    func validate() throws {
        if filename.isEmpty && arguments.isEmpty {
            throw ValidationError("you must provide one or more resources by argument or filename (-f)")
        }
        if !filename.isEmpty && !arguments.isEmpty { throw ValidationError("give either -f or TYPE NAME…, not both") }
    }

    func run() async throws {
        try await reportingErrors {
            let targets = try resolveTargets()
            try await client.withClient { kube, config in
                let namespace = client.effectiveNamespace(config)
                var expanded: [(ResourceKind, String?, String)] = targets.explicit
                if let kind = targets.collection {
                    let list = try await kube.list(kind.type, namespace: namespace, options: ListOptions(labelSelector: selector))
                    let items = list["items"]?.arrayValue ?? []
                    if items.isEmpty { printError(GetRun.noResources(namespace)) }
                    expanded += items.map { (kind, $0["metadata"]?["namespace"]?.stringValue, $0["metadata"]?["name"]?.stringValue ?? "") }
                }
                var failed = false
                for (kind, objectNamespace, name) in expanded {
                    do {
                        try await kube.delete(kind.type, namespace: objectNamespace ?? namespace, name: name)
                        writeOutput("\(kind.qualifiedSingular) \"\(name)\" deleted\n")
                    } catch let error as KubeError where error.isNotFound && ignoreNotFound {
                        continue
                    } catch let error as KubeError where !error.isNetwork && !error.isUnauthorized {
                        printError(CLIErrorMessage.line(for: error, server: config.server))
                        failed = true
                    }
                }
                if failed { throw ExitCode.failure }
            }
        }
    }

    struct Targets {
        /// kind, namespace (nil: the default), name.
        var explicit: [(ResourceKind, String?, String)] = []
        /// A kind whose objects are listed (selector or --all).
        var collection: ResourceKind?
    }

    /// What the arguments name. Pure apart from reading `-f` files.
    func resolveTargets() throws -> Targets {
        var targets = Targets()
        if !filename.isEmpty {
            for doc in try ManifestSource.read(filename) {
                let kind: ResourceKind
                do { kind = try ResourceKind.forObject(doc.object) } catch { throw CLIError("\(doc.source): \(error)") }
                guard let name = doc.object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
                    throw CLIError("\(doc.source): metadata.name: Required value")
                }
                targets.explicit.append((kind, doc.object["metadata"]?["namespace"]?.stringValue, name))
            }
            return targets
        }
        if arguments.allSatisfy({ $0.contains("/") }) {
            for argument in arguments {
                guard let (kind, name) = try ResourceKind.splitSlash(argument) else { continue }
                targets.explicit.append((kind, nil, name))
            }
            return targets
        }
        let kind = try ResourceKind.resolve(arguments[0])
        let names = arguments.dropFirst()
        if names.isEmpty {
            guard selector != nil || all else {
                throw CLIError("resource(s) were provided, but no name was specified (give names, -l SELECTOR or --all)")
            }
            targets.collection = kind
        } else {
            if selector != nil || all { throw CLIError("names cannot be given together with -l or --all") }
            targets.explicit = names.map { (kind, nil, $0) }
        }
        return targets
    }
}
