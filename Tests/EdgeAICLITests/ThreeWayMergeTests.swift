import EdgeAIAPI
import JSON
import Testing

@testable import edgeai

/// Client-side apply's patch: what `edgeai apply` changes on a live object.
@Suite(.timeLimit(.minutes(5)))
struct ThreeWayMergeTests {
    static let live: JSONValue = [
        "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
        "metadata": ["name": "a", "namespace": "default", "uid": "u1", "resourceVersion": "4", "labels": ["team": "vision", "owner": "ops"]],
        "spec": ["dataUrl": "/d", "format": "txt", "nodeName": "edge0"],
        "status": ["numberOfSamples": 10],
    ]

    @Test func identicalManifestNeedsNoPatch() {
        let modified: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
            "metadata": ["name": "a", "namespace": "default", "labels": ["team": "vision"]],
            "spec": ["dataUrl": "/d", "format": "txt", "nodeName": "edge0"],
        ]
        #expect(ThreeWayMerge.patch(original: modified, modified: modified, current: Self.live) == nil)
    }

    @Test func changedFieldsAreSetAndRemovedOnesDeleted() {
        let original: JSONValue = ["metadata": ["name": "a", "labels": ["team": "vision"]], "spec": ["dataUrl": "/d", "format": "txt", "nodeName": "edge0"]]
        let modified: JSONValue = ["metadata": ["name": "a"], "spec": ["dataUrl": "/d2", "format": "txt", "nodeName": "edge0"]]
        let patch = ThreeWayMerge.patch(original: original, modified: modified, current: Self.live)
        // The applied label goes, the label someone else set ("owner") and the status stay untouched.
        #expect(patch == ["metadata": ["labels": nil], "spec": ["dataUrl": "/d2"]])
    }

    @Test func withoutHistoryNothingIsDeleted() {
        let modified: JSONValue = ["metadata": ["name": "a", "labels": ["tier": "gold"]], "spec": ["format": "csv"]]
        let patch = ThreeWayMerge.patch(original: nil, modified: modified, current: Self.live)
        #expect(patch == ["metadata": ["labels": ["tier": "gold"]], "spec": ["format": "csv"]])
    }

    @Test func listsAreReplacedWhole() {
        let current: JSONValue = ["spec": ["tags": ["a", "b"]]]
        let modified: JSONValue = ["spec": ["tags": ["a"]]]
        #expect(ThreeWayMerge.patch(original: modified, modified: modified, current: current) == ["spec": ["tags": ["a"]]])
    }

    @Test func lastAppliedRoundTripsThroughTheAnnotation() throws {
        let manifest: JSONValue = ["kind": "Model", "metadata": ["name": "m", "annotations": ["note": "x"]], "spec": ["modelUrl": "/m"]]
        let recorded = ThreeWayMerge.withLastApplied(manifest)
        #expect(recorded["metadata"]?["annotations"]?["note"] == "x")
        let back = try #require(ThreeWayMerge.lastApplied(recorded))
        #expect(back == manifest)
        // Recording again is stable: a second apply of the same manifest changes nothing.
        #expect(ThreeWayMerge.withLastApplied(recorded) == recorded)
        #expect(ThreeWayMerge.patch(original: back, modified: recorded, current: recorded) == nil)
    }
}
