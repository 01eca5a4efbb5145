import EdgeAIAPI
import Foundation
import JSON
import ManifestYAML
import Testing

@Suite(.timeLimit(.minutes(5)))
struct CRDTests {
    @Test func deployDirectoryMatchesTheCRDsInCode() throws {
        for crd in EdgeAICRDs.all {
            let url = Fixtures.repositoryRoot.appendingPathComponent("deploy/crds/\(CRDManifests.fileName(crd))")
            let onDisk = try String(contentsOf: url, encoding: .utf8)
            #expect(onDisk == (try CRDManifests.yaml(crd)), "deploy/crds/\(CRDManifests.fileName(crd)) drifted: run `swift run edgeai crds --output-dir deploy/crds`")
        }
    }

    @Test func schemasAreStructuralAndUseValidFormats() throws {
        func walk(_ schema: JSONSchemaProps, _ path: String, isRootMetadata: Bool = false) {
            #expect(schema.type != nil, "\(path) has no type")
            if let format = schema.format {
                #expect(["date-time", "int64", "int32"].contains(format), "\(path) has format \(format)")
            }
            for (name, child) in schema.properties ?? [:] { walk(child, "\(path).\(name)") }
            if let items = schema.items { walk(items, "\(path)[]") }
            if schema.type == "array" { #expect(schema.items != nil, "\(path) array without items") }
        }
        for crd in EdgeAICRDs.all {
            walk(crd.spec.versions[0].schema.openAPIV3Schema, crd.spec.names.kind)
        }
    }

    @Test func modelSchemaHasSpecFormat() {
        let spec = EdgeAICRDs.model.spec.versions[0].schema.openAPIV3Schema.properties?["spec"]
        #expect(spec?.properties?["format"]?.type == "string")
    }

    /// A real cluster prunes what the schema does not declare: every status field we write must be in it.
    @Test func everyFieldTheSystemWritesIsInTheSchema() throws {
        let time = Time.now()
        let condition = Condition(type: "Ready", status: "True", reason: "Counted", message: "m", lastTransitionTime: time, observedGeneration: 1)
        let dataset = Dataset(
            metadata: ObjectMeta(name: "d"), spec: DatasetSpec(dataUrl: "/d", format: "txt", nodeName: "e"),
            status: DatasetStatus(numberOfSamples: 1, updateTime: time, sizeBytes: 2, observedGeneration: 1, conditions: [condition]))
        let model = Model(
            metadata: ObjectMeta(name: "m"), spec: ModelSpec(modelUrl: "/m", format: "pb"),
            status: ModelStatus(
                updateTime: time, metrics: [ModelMetric(key: "acc", value: "1")],
                nodes: [ModelNodeStatus(nodeName: "e", present: true, sizeBytes: 3, updateTime: time, message: "ok")],
                observedGeneration: 1, conditions: [condition]))
        let datasetResult = ObjectValidation.validate(try KubeJSON.value(dataset), as: EdgeAIResources.dataset)
        #expect(datasetResult.unknownFields.isEmpty && datasetResult.violations.isEmpty, "\(datasetResult.unknownFields) \(datasetResult.violations)")
        let modelResult = ObjectValidation.validate(try KubeJSON.value(model), as: EdgeAIResources.model)
        #expect(modelResult.unknownFields.isEmpty && modelResult.violations.isEmpty, "\(modelResult.unknownFields) \(modelResult.violations)")
    }

    @Test func crdsCarryPrinterColumnsStatusAndSelectableFields() throws {
        let dataset = EdgeAIResources.dataset
        #expect(dataset.printerColumns.map(\.name) == ["NumberOfSamples", "Node", "spec", "Unreachable", "Age"])
        #expect(dataset.selectableFields == ["spec.nodeName"])
        #expect(dataset.hasStatusSubresource)
        #expect(dataset.type.namespaced)
        #expect(EdgeAIResources.model.printerColumns.map(\.name) == ["updateAGE", "metrics", "Age"])
        #expect(EdgeAIResources.model.hasStatusSubresource)
        let node = EdgeAIResources.edgeNode
        #expect(node.printerColumns.map(\.name) == ["Status", "Last-Seen", "Datasets", "Models", "Version", "Age"])
        #expect(!node.type.namespaced && node.hasStatusSubresource)

        let yaml = try CRDManifests.yaml()
        #expect(!yaml.contains("datatime") && !yaml.contains("format: datetime"))
        let documents = try Manifests.parse(yaml)
        #expect(documents.count == 3)
        #expect(documents[0].value(atPath: "spec.versions")?.arrayValue?.first?["selectableFields"] == [["jsonPath": ".spec.nodeName"]])
        #expect(documents[0]["kind"] == "CustomResourceDefinition")
        #expect(documents[0]["apiVersion"] == "apiextensions.k8s.io/v1")
    }
}
