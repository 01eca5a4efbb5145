/// How much a YAML document may grow while its aliases are expanded into ``JSONValue``s.
///
/// Yams composes an alias as a shared reference to its anchored node, so composing is linear in
/// the input; converting to ``JSONValue`` copies every reference out, which an alias bomb
/// ("billion laughs") makes exponential. The budget is charged per node and per scalar byte
/// while converting and fails the conversion as soon as either limit is passed, so a hostile
/// document costs at most the budget in time and memory, never its expanded size.
///
/// Without aliases a document cannot exceed the defaults (every node and every scalar byte needs
/// at least one input byte), so only alias expansion is ever refused.
package struct YAMLExpansionBudget: Sendable, Equatable {
    /// Nodes (scalars, sequences, mappings, mapping keys) the whole input may expand to.
    package var maxNodes: Int
    /// Scalar bytes the whole input may expand to.
    package var maxScalarBytes: Int

    package init(maxNodes: Int, maxScalarBytes: Int) {
        self.maxNodes = maxNodes
        self.maxScalarBytes = maxScalarBytes
    }

    /// For an input of `inputBytes`: its own size plus 10,000 nodes, and twice its size plus
    /// 1 MiB of scalars, so modest real-world aliasing (shared labels, a repeated block) passes.
    package static func forInput(bytes inputBytes: Int) -> YAMLExpansionBudget {
        YAMLExpansionBudget(maxNodes: inputBytes + 10_000, maxScalarBytes: 2 * inputBytes + (1 << 20))
    }
}

/// The running count against a ``YAMLExpansionBudget``.
struct YAMLExpansionMeter {
    let budget: YAMLExpansionBudget
    private(set) var nodes = 0
    private(set) var scalarBytes = 0

    init(_ budget: YAMLExpansionBudget) { self.budget = budget }

    /// Charges one node with `bytes` of scalar text; throws once the budget is exceeded.
    mutating func charge(scalarBytes bytes: Int = 0) throws(Manifests.ParseError) {
        nodes += 1
        scalarBytes += bytes
        if nodes > budget.maxNodes {
            throw Manifests.ParseError(
                message: "error parsing YAML: document contains excessive aliasing (more than \(budget.maxNodes) nodes once aliases are expanded)")
        }
        if scalarBytes > budget.maxScalarBytes {
            throw Manifests.ParseError(
                message: "error parsing YAML: document contains excessive aliasing (more than \(budget.maxScalarBytes) bytes of values once aliases are expanded)")
        }
    }
}
