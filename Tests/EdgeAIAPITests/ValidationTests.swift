import EdgeAIAPI
import JSON
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ValidationTests {
    func dataset(name: JSONValue = "d", spec: JSONValue) -> JSONValue {
        ["apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset", "metadata": ["name": name], "spec": spec]
    }

    func violations(_ object: JSONValue, as definition: ResourceDefinition = EdgeAIResources.dataset) -> [String: FieldViolation] {
        Dictionary(ObjectValidation.validate(object, as: definition).violations.map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
    }

    let good: JSONValue = ["dataUrl": "/data/index.txt", "format": "txt", "nodeName": "edge0"]

    @Test func validDatasetHasNoViolations() {
        #expect(violations(dataset(spec: good)).isEmpty)
        for format in ["txt", "csv", "jsonl", "tfrecord", "dir"] {
            var spec = good
            spec["format"] = .string(format)
            #expect(violations(dataset(spec: spec)).isEmpty, "format \(format)")
        }
    }

    /// An update checks what it changes (kube's CRD validation ratcheting): a value left as
    /// stored is not refused again, a changed one is, and unknown fields in it are still pruned.
    @Test func anUpdateValidatesOnlyTheValuesItChanges() {
        var stored = dataset(spec: ["dataUrl": "/data/index.txt", "format": "parquet", "nodeName": "edge0"])
        #expect(violations(stored)["spec.format"]?.reason == .notSupported)
        var statusWrite = stored
        statusWrite["status"] = ["numberOfSamples": 5]
        let ratcheted = ObjectValidation.validate(statusWrite, as: EdgeAIResources.dataset, old: stored)
        #expect(ratcheted.violations.isEmpty, "\(ratcheted.violations)")
        #expect(ratcheted.object["spec"] == stored["spec"])

        var specWrite = stored
        specWrite["spec"]?["format"] = "avro"
        specWrite["spec"]?["bogus"] = true
        let changed = ObjectValidation.validate(specWrite, as: EdgeAIResources.dataset, old: stored)
        #expect(changed.violations.map(\.field) == ["spec.format"])
        #expect(changed.object["spec"]?["bogus"] == nil)
        #expect(changed.unknownFields == ["spec.bogus"])

        stored["metadata"] = ["name": "Bad_Name"]
        var relabelled = stored
        relabelled["metadata"]?["labels"] = ["a": "b"]
        #expect(ObjectValidation.validate(relabelled, as: EdgeAIResources.dataset, old: stored).violations.contains { $0.field == "metadata.name" })
    }

    @Test func invalidNameIsReportedAsKubeAPIServerWordsIt() {
        let found = violations(dataset(name: "Bad_Name", spec: good))
        let violation = found["metadata.name"]
        #expect(violation != nil, "\(found)")
        #expect(violation?.reason == .invalid)
        #expect(violation?.detail.hasPrefix(#"Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of"#) == true)
        #expect(violations(dataset(name: .string(String(repeating: "a", count: 254)), spec: good))["metadata.name"] != nil)
        #expect(violations(dataset(name: "a.b-c.d", spec: good)).isEmpty)
        for bad in ["-a", "a-", "a..b", "A", "a_b", "a b", ".a"] {
            #expect(violations(dataset(name: .string(bad), spec: good))["metadata.name"] != nil, "\(bad)")
        }
    }

    @Test func nameOrGenerateNameIsRequired() throws {
        var object = dataset(spec: good)
        object["metadata"] = ["generateName": "ds-"]
        #expect(violations(object).isEmpty)
        object["metadata"] = [:]
        #expect(violations(object)["metadata.name"]?.reason == .required)
        object["metadata"] = ["generateName": "Bad_"]
        #expect(violations(object)["metadata.generateName"] != nil)
    }

    @Test func requiredSpecFieldsAndSpecItself() {
        #expect(violations(dataset(spec: ["format": "txt", "nodeName": "edge0"]))["spec.dataUrl"]?.reason == .required)
        #expect(violations(dataset(spec: ["dataUrl": "/d", "nodeName": "edge0"]))["spec.format"]?.reason == .required)
        #expect(violations(dataset(spec: ["dataUrl": "/d", "format": "txt"]))["spec.nodeName"]?.reason == .required)
        var noSpec = dataset(spec: good)
        noSpec["spec"] = nil
        #expect(violations(noSpec)["spec"]?.reason == .required)
    }

    @Test func emptyURLIsInvalid() {
        var spec = good
        spec["dataUrl"] = ""
        let violation = violations(dataset(spec: spec))["spec.dataUrl"]
        #expect(violation?.detail == #"Invalid value: "": spec.dataUrl in body should be at least 1 chars long"#)
        let model: JSONValue = ["apiVersion": "edgeai.io/v1alpha1", "kind": "Model", "metadata": ["name": "m"], "spec": ["modelUrl": ""]]
        #expect(violations(model, as: EdgeAIResources.model)["spec.modelUrl"] != nil)
    }

    @Test func unknownFormatIsNotSupported() {
        var spec = good
        spec["format"] = "xml"
        let violation = violations(dataset(spec: spec))["spec.format"]
        #expect(violation?.reason == .notSupported)
        #expect(violation?.detail == #"Unsupported value: "xml": supported values: "txt", "csv", "jsonl", "tfrecord", "dir""#)
    }

    @Test func nodeNameMustBeADNSSubdomain() {
        var spec = good
        spec["nodeName"] = "Edge_0"
        #expect(violations(dataset(spec: spec))["spec.nodeName"]?.reason == .invalid)
        spec["nodeName"] = .string(String(repeating: "a", count: 254))
        #expect(violations(dataset(spec: spec))["spec.nodeName"]?.reason == .tooLong)
    }

    @Test func wrongTypeIsReportedAsKubeAPIServerWordsIt() {
        var spec = good
        spec["dataUrl"] = 5
        let violation = violations(dataset(spec: spec))["spec.dataUrl"]
        #expect(violation?.reason == .typeInvalid)
        #expect(violation?.detail == #"Invalid value: "integer": spec.dataUrl in body must be of type string: "integer""#)
        var object = dataset(spec: good)
        object["spec"] = "not an object"
        #expect(violations(object)["spec"]?.reason == .typeInvalid)
        object["metadata"] = ["name": 5]
        #expect(violations(object)["metadata.name"]?.reason == .typeInvalid)
    }

    @Test func statusFieldsAreChecked() {
        var object = dataset(spec: good)
        object["status"] = ["numberOfSamples": -1, "updateTime": "yesterday", "conditions": [["type": "Ready", "status": "Maybe"]]]
        let found = violations(object)
        #expect(found["status.numberOfSamples"] != nil)
        #expect(found["status.updateTime"]?.detail.contains("must be of type date-time") == true)
        #expect(found["status.conditions[0].status"]?.reason == .notSupported)
    }

    @Test func unknownFieldsArePrunedAndReported() {
        var spec = good
        spec["bogus"] = 1
        var object = dataset(spec: spec)
        object["extra"] = true
        let result = ObjectValidation.validate(object, as: EdgeAIResources.dataset)
        #expect(result.violations.isEmpty)
        #expect(Set(result.unknownFields) == ["spec.bogus", "extra"])
        #expect(result.object["spec"] == good)
        #expect(result.object["extra"] == nil)
        #expect(result.object["metadata"] == ["name": "d"])
    }

    @Test func severalViolationsAreReportedTogether() {
        let object = dataset(name: "Bad_Name", spec: ["dataUrl": 7, "format": "xml"])
        do {
            _ = try ObjectValidation.check(object, as: EdgeAIResources.dataset)
            Issue.record("an invalid object passed")
        } catch {
            #expect(Set(error.violations.map(\.field)) == ["metadata.name", "spec.dataUrl", "spec.format", "spec.nodeName"])
            #expect(error.description.hasPrefix(#"Dataset.edgeai.io "Bad_Name" is invalid: ["#))
        }
    }

    @Test func wrongKindOrAPIVersionIsInvalid() {
        var object = dataset(spec: good)
        object["kind"] = "Model"
        object["apiVersion"] = "edgeai.io/v2"
        let found = violations(object)
        #expect(found["kind"] != nil)
        #expect(found["apiVersion"] != nil)
    }

    @Test func duplicateConditionTypesAreInvalid() {
        var object = dataset(spec: good)
        object["status"] = ["conditions": [["type": "Ready", "status": "True"], ["type": "Ready", "status": "False"]]]
        #expect(violations(object)["status.conditions[1]"] != nil)
    }
}
