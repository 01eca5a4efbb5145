import EdgeAIAPI
import EdgeSync
import Testing

/// Placement rules of Models and token admission, pure.
@Suite struct ModelPlacementTests {
    func placed(_ name: String, selector: [String: String]? = nil, names: [String]? = nil) -> Model {
        var m = model(name)
        m.spec.nodeSelector = selector
        m.spec.nodeNames = names
        return m
    }

    @Test func desiredSetsFollowLabelsAndNames() {
        let models = [model("all"), placed("lab", selector: ["site": "lab"]), placed("named", names: ["B"]), placed("both", selector: ["site": "lab"], names: ["A"])]
        let a = DesiredState.forNode("A", labels: ["site": "lab"], datasets: [], models: models)
        let b = DesiredState.forNode("B", labels: ["site": "f3"], datasets: [], models: models)
        #expect(a.sorted.map(\.key.name).sorted() == ["all", "both", "lab"])
        #expect(b.sorted.map(\.key.name).sorted() == ["all", "named"])
        #expect(DesiredState.byNode(datasets: [], models: models, nodes: ["B"])["B"]?.sorted.map(\.key.name).sorted() == ["all", "named"])
        // Routing: a placed model's change goes to its placement only.
        let changes = DesiredState.changes(old: nil, new: models[1])
        #expect(changes.count == 1)
        #expect(changes[0].audience.includes("X", labels: ["site": "lab"]))
        #expect(!changes[0].audience.includes("X", labels: ["site": "f3"]))
        #expect(!changes[0].audience.includes("X"))
    }

    @Test func relabellingMovesSelectedModels() {
        let models = [model("all"), placed("lab", selector: ["site": "lab"]), placed("named", names: ["A"])]
        let gained = DesiredState.labelsChanged(node: "A", old: [:], new: ["site": "lab"], models: models)
        #expect(gained.map(\.change) == [.upsert(.model(models[1]))])
        #expect(gained.first?.audience == .node("A"))
        let lost = DesiredState.labelsChanged(node: "A", old: ["site": "lab"], new: ["site": "x"], models: models)
        #expect(lost.map(\.change) == [.delete(SyncObject.model(models[1]).ref)])
        #expect(DesiredState.labelsChanged(node: "A", old: ["k": "v"], new: ["k": "v"], models: models).isEmpty)
    }

    @Test func admissionByTokenGeneration() {
        func node(_ generation: Int64?, deleting: Bool = false) -> EdgeNode {
            var meta = ObjectMeta(name: "a")
            if deleting { meta.deletionTimestamp = Time.now() }
            return EdgeNode(metadata: meta, spec: EdgeNodeSpec(tokenGeneration: generation))
        }
        #expect(NodeAdmission.decide(node: "a", generation: 5, edgeNode: node(5), adoptsLegacyNodes: true) == .admit)
        #expect(NodeAdmission.decide(node: "a", generation: 4, edgeNode: node(5), adoptsLegacyNodes: true) != .admit)
        #expect(NodeAdmission.decide(node: "a", generation: nil, edgeNode: node(5), adoptsLegacyNodes: true) != .admit)
        #expect(NodeAdmission.decide(node: "a", generation: 5, edgeNode: nil, adoptsLegacyNodes: true) != .admit)
        #expect(NodeAdmission.decide(node: "a", generation: 5, edgeNode: node(5, deleting: true), adoptsLegacyNodes: true) != .admit)
        #expect(NodeAdmission.decide(node: "a", generation: nil, edgeNode: nil, adoptsLegacyNodes: true) == .admit)
        #expect(NodeAdmission.decide(node: "a", generation: nil, edgeNode: nil, adoptsLegacyNodes: false) != .admit)
        #expect(NodeAdmission.decide(node: "a", generation: nil, edgeNode: node(nil), adoptsLegacyNodes: false) == .admit)
        #expect(NodeAdmission.decide(node: "a", generation: UInt64.max, edgeNode: node(nil), adoptsLegacyNodes: true) != .admit)
    }
}
