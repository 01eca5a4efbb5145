import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ObjectTypesTests {
    @Test func seedSamplesDecodeValidateAndReencode() throws {
        let documents = try Manifests.parse(try Fixtures.text("seed-samples.yaml"))
        #expect(documents.count == 2)

        let dataset = try KubeJSON.decode(Dataset.self, from: documents[0])
        #expect(dataset.metadata.name == "dataset-examp")
        #expect(dataset.spec == DatasetSpec(dataUrl: "/code/data", format: "txt", nodeName: "edge0"))
        #expect(ObjectValidation.validate(documents[0], as: EdgeAIResources.dataset).violations.isEmpty)

        let model = try KubeJSON.decode(Model.self, from: documents[1])
        #expect(model.spec == ModelSpec(modelUrl: "/model/frozen.pb", format: "pb"))
        #expect(ObjectValidation.validate(documents[1], as: EdgeAIResources.model).violations.isEmpty)

        // Typed → JSON gives back exactly the documents (no added empty fields).
        #expect(try KubeJSON.value(dataset) == documents[0])
        #expect(try KubeJSON.value(model) == documents[1])
        // And YAML out parses back to the same values.
        #expect(try Manifests.parse(Manifests.yaml(documents)) == documents)
    }

    @Test func datasetJSONMatchesWhatKubeAPIServerReturns() throws {
        let fixture = try JSONParser.parse(Array(try Fixtures.data("dataset-created.json")))
        let dataset = try KubeJSON.decode(Dataset.self, from: fixture)
        #expect(dataset.metadata.uid == "09e34df8-e753-42bf-9895-79a20dca76fc")
        #expect(dataset.metadata.resourceVersion == "10535")
        #expect(dataset.metadata.generation == 1)
        #expect(dataset.metadata.creationTimestamp?.rfc3339 == "2026-11-30T00:25:16Z")
        #expect(dataset.status == nil)
        #expect(try KubeJSON.value(dataset) == fixture)
    }

    @Test func modelStatusRoundTripsFromTheServer() throws {
        let fixture = try JSONParser.parse(Array(try Fixtures.data("model-with-status.json")))
        let model = try KubeJSON.decode(Model.self, from: fixture)
        #expect(model.status?.metrics == [ModelMetric(key: "accuracy", value: "0.93")])
        #expect(model.status?.updateTime?.rfc3339 == "2026-11-30T00:00:00Z")
        #expect(try KubeJSON.value(model) == fixture)
    }

    @Test func datasetStatusFieldsAreEncodedWithKubernetesNames() throws {
        var dataset = Dataset(metadata: ObjectMeta(name: "d", namespace: "default"), spec: DatasetSpec(dataUrl: "/d", format: "txt", nodeName: "edge0"))
        let time = try #require(Time(rfc3339: "2026-11-30T01:02:03Z"))
        dataset.status = DatasetStatus(
            numberOfSamples: 0, updateTime: time, sizeBytes: 0, observedGeneration: 1,
            conditions: [Condition(type: "Ready", status: "True", reason: "Counted", lastTransitionTime: time)])
        let json = JSONWriter.string(try KubeJSON.value(dataset))
        #expect(json.contains(#""status":{"conditions":[{"lastTransitionTime":"2026-11-30T01:02:03Z","reason":"Counted","status":"True","type":"Ready"}],"numberOfSamples":0,"observedGeneration":1,"sizeBytes":0,"updateTime":"2026-11-30T01:02:03Z"}"#))
    }

    @Test func wrongTypesNameTheField() throws {
        let bad = try JSONParser.parse(#"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"x"},"spec":{"dataUrl":5,"format":"txt","nodeName":"edge0"}}"#)
        #expect(throws: KubeJSON.DecodeError.self) { try KubeJSON.decode(Dataset.self, from: bad) }
        do {
            _ = try KubeJSON.decode(Dataset.self, from: bad)
        } catch {
            #expect(error.field == "spec.dataUrl")
            #expect(error.description.contains("expected string"))
        }
        let missing = try JSONParser.parse(#"{"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"x"},"spec":{"format":"txt","nodeName":"edge0"}}"#)
        do {
            _ = try KubeJSON.decode(Dataset.self, from: missing)
            Issue.record("a missing required field decoded")
        } catch {
            #expect(error.field == "spec.dataUrl")
        }
    }

    @Test func conditionsKeepTransitionTimeUnlessStatusChanges() throws {
        let t0 = try #require(Time(rfc3339: "2026-01-01T00:00:00Z"))
        let t1 = try #require(Time(rfc3339: "2026-01-02T00:00:00Z"))
        var conditions: [Condition] = []
        conditions.set(Condition(type: "Ready", status: "True", reason: "Counted"), now: t0)
        conditions.set(Condition(type: "Ready", status: "True", reason: "Counted", message: "again"), now: t1)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == t0)
        #expect(conditions[type: "Ready"]?.message == "again")
        conditions.set(Condition(type: "Ready", status: "False", reason: "NotFound"), now: t1)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == t1)
        #expect(conditions.count == 1)
    }

    @Test func timeFormatsAsKubernetesAndParsesVariants() throws {
        let time = try #require(Time(rfc3339: "2026-11-30T00:25:16Z"))
        #expect(time.rfc3339 == "2026-11-30T00:25:16Z")
        #expect(Time(rfc3339: "2026-11-30T01:25:16+01:00") == time)
        #expect(Time(rfc3339: "2026-11-30T00:25:16.500000Z")?.rfc3339Micro == "2026-11-30T00:25:16.500000Z")
        for bad in ["", "2026-11-30", "2026-13-30T00:00:00Z", "2026-11-30T00:25:16", "2026-11-30T00:25:16Zjunk", "yesterday"] {
            #expect(Time(rfc3339: bad) == nil, "\(bad) parsed")
        }
    }
}
