@testable import APIServer
import EdgeAIAPI
import JSON
import Testing

/// The byte prefilter may only reject what the selectors reject: a rejected object never matches.
struct ListPrefilterTests {
    static let objects: [JSONValue] = [
        ["metadata": ["name": "a", "labels": ["team": "vision", "tier": "gold"]], "spec": ["nodeName": "edge-1"]],
        ["metadata": ["name": "b", "labels": ["team": "speech"]], "spec": ["nodeName": "edge-10"]],
        ["metadata": ["name": "c"], "spec": ["nodeName": "edge-1", "replicas": 3]],
        ["metadata": ["name": "d", "labels": ["app.kubernetes.io/name": "x"]], "spec": ["nodeName": "vision/edge"]],
    ]

    func options(labels: String = "", fields: String = "") throws -> (LabelSelector, FieldSelector) {
        let definition = try #require(ResourceRegistry.standard.lookup(group: "edgeai.io", version: "v1alpha1", plural: "datasets"))
        return (try LabelSelector(parsing: labels), try FieldSelector(parsing: fields, for: definition))
    }

    @Test(arguments: [
        ("team=vision", ""), ("team in (vision)", ""), ("team in (vision,speech)", ""), ("team!=vision", ""), ("!tier", ""),
        ("", "spec.nodeName=vision/edge"), ("app.kubernetes.io/name=x", ""), ("", "spec.nodeName=edge-1"), ("", "spec.nodeName!=edge-1"),
        ("", "spec.nodeName="), ("tier=gold", "spec.nodeName=edge-1"), ("team=nobody", ""), ("", "metadata.name=c"),
    ])
    func aRejectedObjectNeverMatches(labels: String, fields: String) throws {
        let (labelSelector, fieldSelector) = try options(labels: labels, fields: fields)
        let prefilter = ListPrefilter(labels: labelSelector, fields: fieldSelector)
        for object in Self.objects {
            let matches = labelSelector.matches(object["metadata"]?["labels"]?.objectValue) && fieldSelector.matches(object)
            if !prefilter.admits(JSONWriter.bytes(object)) { #expect(!matches, "\(labels) \(fields) rejected a match: \(object)") }
        }
    }

    @Test func positiveEqualitiesRejectWithoutParsing() throws {
        let (labels, fields) = try options(labels: "team=vision", fields: "spec.nodeName=edge-1")
        let prefilter = ListPrefilter(labels: labels, fields: fields)
        #expect(prefilter.needles.count == 2)
        #expect(!prefilter.admits(JSONWriter.bytes(Self.objects[1])))  // speech
        #expect(prefilter.admits(JSONWriter.bytes(Self.objects[0])))
        // Negations, existence and values JSON could escape give it nothing to test.
        let (others, otherFields) = try options(labels: "team!=vision,!tier", fields: "spec.nodeName=vision/edge,metadata.name!=a")
        #expect(ListPrefilter(labels: others, fields: otherFields).needles.isEmpty)
    }
}
