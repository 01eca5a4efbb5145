import JSON
import Testing

@testable import KubeProtobuf

/// The protobuf wire format of the built-in kinds, without a server.
@Suite struct KubeProtobufCodecTests {
    static let namespace: JSONValue = [
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": [
            "name": "team-a", "uid": "56591f61-3460-4e02-85a5-39693741933d", "resourceVersion": "10534", "generation": 3,
            "creationTimestamp": "2026-11-30T00:25:16Z",
            "labels": ["kubernetes.io/metadata.name": "team-a", "creationTimestamp": "not a time"],
            "annotations": ["note": "x"],
            "finalizers": ["example.com/keep"],
            "managedFields": [[
                "manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": "2026-11-30T00:25:16Z",
                "fieldsType": "FieldsV1", "fieldsV1": ["f:metadata": ["f:labels": [".": [:], "f:kubernetes.io/metadata.name": [:]]]],
            ]],
        ],
        "spec": ["finalizers": ["kubernetes"]],
        "status": ["phase": "Active"],
    ]

    @Test func namespaceRoundTripsExactly() throws {
        let bytes = try #require(try KubeProtobufCodec.encode(Self.namespace))
        #expect(Array(bytes.prefix(4)) == [0x6B, 0x38, 0x73, 0x00])
        #expect(try KubeProtobufCodec.decode(bytes) == Self.namespace)
    }

    /// Byte for byte what kube-apiserver's Go encoder writes for the same small Namespace (its
    /// envelope always carries the two empty content fields).
    @Test func theEnvelopeIsKubernetesOwn() throws {
        let bytes = try #require(try KubeProtobufCodec.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"]]))
        let typeMeta: [UInt8] = [0x0A, 0x02] + Array("v1".utf8) + [0x12, 0x09] + Array("Namespace".utf8)
        let raw: [UInt8] = [0x0A, 0x03, 0x0A, 0x01, UInt8(ascii: "x")]
        let expected: [UInt8] = [0x6B, 0x38, 0x73, 0x00, 0x0A, UInt8(typeMeta.count)] + typeMeta + [0x12, UInt8(raw.count)] + raw + [0x1A, 0x00, 0x22, 0x00]
        #expect(bytes == expected)
    }

    @Test func leaseKeepsMicrosecondsAndEventsTheirFields() throws {
        let lease: JSONValue = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "l", "namespace": "kube-node-lease"],
            "spec": ["holderIdentity": "edge0", "leaseDurationSeconds": 40, "renewTime": "2026-12-01T07:54:03.123456Z"],
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(lease))) == lease)
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "Event", "metadata": ["name": "e.1", "namespace": "default"],
            "involvedObject": ["kind": "Dataset", "name": "d", "namespace": "default", "apiVersion": "edgeai.io/v1alpha1"],
            "reason": "Counted", "message": "100 samples", "type": "Normal", "count": 2, "source": ["component": "edgeai"],
            "firstTimestamp": "2026-12-01T07:00:00Z", "lastTimestamp": "2026-12-01T07:05:00Z",
            "eventTime": "2026-12-01T07:05:00.000001Z", "reportingComponent": "edgeai", "reportingInstance": "edge0",
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(event))) == event)
    }

    @Test func listsStatusAndDeleteOptions() throws {
        let list: JSONValue = [
            "apiVersion": "v1", "kind": "NamespaceList", "metadata": ["resourceVersion": "12", "continue": "abc", "remainingItemCount": 4],
            "items": [["metadata": ["name": "a"]], ["metadata": ["name": "b"]]],
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(list))) == list)
        let status: JSONValue = [
            "apiVersion": "v1", "kind": "Status", "metadata": [:], "status": "Failure", "message": "namespaces \"x\" not found",
            "reason": "NotFound", "code": 404, "details": ["name": "x", "kind": "namespaces", "causes": [["field": "metadata.name", "reason": "FieldValueInvalid", "message": "bad"]]],
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(status))) == status)
        let delete: JSONValue = [
            "apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0, "propagationPolicy": "Background", "dryRun": ["All"],
            "preconditions": ["uid": "u"],
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(delete))) == delete)
    }

    @Test func unknownMembersAreDroppedAndCustomKindsHaveNoMessage() throws {
        let extra: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"], "bogus": 1]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(extra))) == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"]])
        #expect(try KubeProtobufCodec.encode(["apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset", "metadata": ["name": "d"]]) == nil)
        #expect(!KubeProtobufCodec.supports(apiVersion: "edgeai.io/v1alpha1", kind: "Dataset"))
        #expect(KubeProtobufCodec.supports(apiVersion: "coordination.k8s.io/v1", kind: "LeaseList"))
    }

    @Test func badBodiesAreErrorsNotCrashes() throws {
        #expect(throws: KubeProtobufCodec.DecodeError(message: "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")) {
            try KubeProtobufCodec.decode(Array(#"{"kind":"Namespace"}"#.utf8))
        }
        #expect(throws: KubeProtobufCodec.DecodeError.self) { try KubeProtobufCodec.decode([0x6B, 0x38, 0x73, 0x00, 0x0A, 0xFF]) }
        let unknownKind = try #require(try KubeProtobufCodec.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"]]))
        var renamed = unknownKind
        // "Namespace" → "Namespacf" inside the envelope's kind: no such kind.
        if let i = renamed.lastIndex(of: UInt8(ascii: "e")) { renamed[i] = UInt8(ascii: "f") }
        #expect(throws: KubeProtobufCodec.DecodeError.self) { try KubeProtobufCodec.decode(renamed) }
        // Every truncation of a valid body fails cleanly or decodes; none crashes.
        for n in 0..<unknownKind.count { _ = try? KubeProtobufCodec.decode(Array(unknownKind.prefix(n))) }
        #expect(throws: KubeProtobufCodec.DecodeError.self) {
            try KubeProtobufCodec.encode(["apiVersion": "v1", "kind": "Namespace", "metadata": ["creationTimestamp": "yesterday"]])
        }
    }
}
