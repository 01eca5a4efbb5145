import JSON
import Testing

@testable import EdgeAIAPI

/// The typed Secret and the strict base64 it is encoded with.
@Suite struct SecretTypeTests {
    @Test func base64MatchesGoStdEncoding() throws {
        for (text, bytes) in [("", ""), ("Zg==", "f"), ("Zm8=", "fo"), ("Zm9v", "foo"), ("Zm9vYg==", "foob"), ("Zm9v\nYmFy", "foobar")] {
            #expect(try Base64.decode(text) == Array(bytes.utf8), "\(text)")
        }
        for bytes in [[UInt8](), [0], [0, 1], [0, 1, 2], Array(0...255)] {
            #expect(try Base64.decode(Base64.encode(bytes)) == bytes)
        }
        // Offsets as Go's CorruptInputError reports them.
        for (text, offset) in [("Zm9", 0), ("Z===", 1), ("Zm9v!", 4), ("Zg=", 3), ("Zg==Zg==", 4), ("Zm=v", 2), ("not base64!", 3)] {
            #expect(throws: Base64.DecodingError(offset: offset), "\(text)") { try Base64.decode(text) }
        }
    }

    @Test func aSecretDecodesItsDataAndNeverPrintsIt() throws {
        let json: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s3", "namespace": "ns", "annotations": ["s3-endpoint": "minio:9000"]],
            "data": ["ACCESS_KEY_ID": .string(Base64.encode("AKID".utf8)), "SECRET_ACCESS_KEY": .string(Base64.encode("very-secret".utf8))],
            "type": "Opaque",
        ]
        let secret = try KubeJSON.decode(Secret.self, from: json)
        #expect(secret.data?["SECRET_ACCESS_KEY"] == Array("very-secret".utf8))
        #expect(secret.string("ACCESS_KEY_ID") == "AKID")
        #expect(secret.type == "Opaque")
        #expect(try KubeJSON.value(secret) == json)
        var dumped = ""
        dump(secret, to: &dumped)
        for shown in [secret.description, "\(secret)", String(reflecting: secret), dumped] {
            #expect(!shown.contains("very-secret"))
            #expect(!shown.contains(Base64.encode("very-secret".utf8)))
            #expect(shown.contains("SECRET_ACCESS_KEY"))
        }
        var bad = json
        bad["data"] = ["k": "%%%"]
        #expect(throws: (any Error).self) { try KubeJSON.decode(Secret.self, from: bad) }
    }

    @Test func credentialNameIsOptionalAndChecked() throws {
        let spec = EdgeAICRDs.dataset.spec.versions[0].schema.openAPIV3Schema.properties?["spec"]?.properties?["credentialName"]
        #expect(spec?.type == "string")
        let model = EdgeAICRDs.model.spec.versions[0].schema.openAPIV3Schema.properties?["spec"]?.properties?["credentialName"]
        #expect(model?.maxLength == 253)
        var dataset: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset", "metadata": ["name": "d"],
            "spec": ["dataUrl": "s3://bucket/index.txt", "format": "txt", "nodeName": "edge0", "credentialName": "minio-creds"],
        ]
        #expect(ObjectValidation.validate(dataset, as: EdgeAIResources.dataset).violations.isEmpty)
        #expect(try KubeJSON.decode(Dataset.self, from: dataset).spec.credentialName == "minio-creds")
        dataset["spec"]?["credentialName"] = "Not_A_Name"
        #expect(ObjectValidation.validate(dataset, as: EdgeAIResources.dataset).violations.map(\.field) == ["spec.credentialName"])
        let modelObject: JSONValue = [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Model", "metadata": ["name": "m"],
            "spec": ["modelUrl": "https://models.example/m.onnx", "credentialName": "c"],
        ]
        #expect(try KubeJSON.decode(Model.self, from: modelObject).spec.credentialName == "c")
    }
}
