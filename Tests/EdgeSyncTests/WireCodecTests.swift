import EdgeAIAPI
import EdgeSync
import Testing

@Suite(.timeLimit(.minutes(5)))
struct WireCodecTests {
    static let cloudMessages: [CloudToEdge] = [
        .welcome(Welcome(version: .v1, nodeName: "edge-1", heartbeatIntervalMs: 10_000, maxFrameBytes: 1 << 20)),
        .upsert(.dataset(dataset("cats", node: "edge-1", rv: "7")), seq: 1),
        .upsert(.model(model("resnet", rv: "3")), seq: 2),
        .delete(ObjectRef(kind: .dataset, namespace: "default", name: "dogs", uid: "u-9"), seq: 3),
        .resyncDone(seq: 4),
        .reportResult(ReportResult(reportID: "r1", outcome: .applied)),
        .reportResult(ReportResult(reportID: "r2", outcome: .refused(reason: "not yours"))),
        .reportResult(ReportResult(reportID: "r3", outcome: .retryLater)),
        .ping(nonce: 5), .pong(nonce: 6),
        .error(ErrorMessage(code: .frameTooLarge, message: "too big")),
    ]

    static let edgeMessages: [EdgeToCloud] = [
        .hello(
            Hello(
                agentVersion: "0.1.0",
                inventory: [InventoryEntry(kind: .dataset, namespace: "default", name: "cats", uid: "u-1", resourceVersion: "7")])),
        .ack(seq: 4),
        .statusReport(datasetReport("r1", dataset("cats", node: "edge-1"), samples: 42)),
        .statusReport(
            StatusReport(
                reportID: "r2", ref: ObjectRef(kind: .model, namespace: "default", name: "resnet", uid: "u-m"),
                status: .model(
                    ModelReport(
                        metrics: [ModelMetric(key: "accuracy", value: "0.93")],
                        node: ModelNodeStatus(nodeName: "edge-1", present: true, sizeBytes: 1024))))),
        .ping(nonce: 1), .pong(nonce: 2),
        .error(ErrorMessage(code: .internalError, message: "disk full")),
    ]

    @Test(arguments: cloudMessages)
    func cloudToEdgeRoundTrips(_ message: CloudToEdge) throws {
        let frame = WireCodec.encode(message)
        #expect(try WireCodec.decodeCloudToEdge(frame) == message)
        #expect(WireCodec.text(message).contains("\"type\":\"\(message.type)\""))
    }

    @Test(arguments: edgeMessages)
    func edgeToCloudRoundTrips(_ message: EdgeToCloud) throws {
        let frame = WireCodec.encode(message)
        #expect(try WireCodec.decodeEdgeToCloud(frame) == message)
    }

    @Test func framesAreFlatJSONWithTheDocumentedFields() throws {
        let text = WireCodec.text(.delete(ObjectRef(kind: .dataset, namespace: "ns", name: "n", uid: "u"), seq: 9))
        #expect(text == #"{"kind":"Dataset","name":"n","namespace":"ns","seq":9,"type":"delete","uid":"u"}"#)
        let ack = WireCodec.text(EdgeToCloud.ack(seq: 3))
        #expect(ack == #"{"seq":3,"type":"ack"}"#)
    }

    @Test func unknownTypeIsNamed() {
        let error = #expect(throws: ProtocolError.self) {
            try WireCodec.decodeEdgeToCloud(Array(#"{"type":"subscribe","seq":1}"#.utf8))
        }
        #expect(error?.code == .unknownMessageType)
        #expect(error?.message.contains("\"subscribe\"") == true)
        #expect(error?.closeCode == 4001)
        // A cloud-only type is unknown to the hub's decoder, and vice versa.
        #expect(throws: ProtocolError(.unknownMessageType, "unknown message type \"welcome\" (this side speaks ack, error, hello, ping, pong, statusReport)")) {
            try WireCodec.decodeEdgeToCloud(Array(#"{"type":"welcome"}"#.utf8))
        }
    }

    @Test(arguments: [
        ("not json", ""),
        ("[1,2]", ""),
        (#"{"seq":1}"#, "type: Required value"),
        (#"{"type":"ack"}"#, "seq: Required value"),
        (#"{"type":"ack","seq":"one"}"#, "seq: expected"),
        (#"{"type":"ack","seq":-1}"#, "seq: must be a non-negative integer, got -1"),
        (#"{"type":"hello","versions":[1],"agentVersion":"x","inventory":[{"kind":"Pod","namespace":"a","name":"b","uid":"c","resourceVersion":"1"}]}"#, "inventory[0].kind"),
        (#"{"type":"statusReport","reportID":"r","kind":"Dataset","namespace":"a","name":"b","uid":"c","status":{"numberOfSamples":"many"}}"#, "status.numberOfSamples"),
    ])
    func malformedFramesNameTheField(_ frame: String, _ field: String) {
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeEdgeToCloud(Array(frame.utf8)) }
        #expect(error?.code == .malformedFrame)
        #expect(error?.closeCode == 1007)
        if !field.isEmpty { #expect(error?.message.contains(field) == true, "\(error?.message ?? "")") }
    }

    @Test func upsertNeedsFullIdentity() {
        var object = dataset("cats", node: "edge-1")
        object.metadata.uid = nil
        let frame = Array(WireCodec.text(.upsert(.dataset(object), seq: 1)).utf8)
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeCloudToEdge(frame) }
        #expect(error?.message == "object.metadata.uid: Required value")
        let unknownKind = #"{"type":"upsert","seq":1,"object":{"kind":"Pod","metadata":{}}}"#
        let kindError = #expect(throws: ProtocolError.self) { try WireCodec.decodeCloudToEdge(Array(unknownKind.utf8)) }
        #expect(kindError?.message.contains("object.kind: unknown kind \"Pod\"") == true)
    }

    @Test func oversizedFramesAreRefusedBeforeParsing() {
        let frame = [UInt8](repeating: UInt8(ascii: "x"), count: 1025)
        let error = #expect(throws: ProtocolError.self) { try WireCodec.decodeEdgeToCloud(frame, maxFrameBytes: 1024) }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.closeCode == 1009)
        #expect(error?.message == "frame of 1025 bytes exceeds the limit of 1024 bytes")
        #expect(throws: Never.self) { try WireCodec.checkSize(1024, limit: 1024) }
    }

    @Test func unknownFieldsAreIgnoredForForwardCompatibility() throws {
        let frame = #"{"type":"ack","seq":3,"addedInAMinorRevision":true}"#
        #expect(try WireCodec.decodeEdgeToCloud(Array(frame.utf8)) == .ack(seq: 3))
    }

    @Test func versionNegotiationPicksTheHighestCommon() {
        #expect(ProtocolVersion.negotiate(offered: [.v1, ProtocolVersion(2)], supported: [.v1]) == .v1)
        #expect(ProtocolVersion.negotiate(offered: [.v1, ProtocolVersion(2)], supported: [.v1, ProtocolVersion(2)]) == ProtocolVersion(2))
        #expect(ProtocolVersion.negotiate(offered: [ProtocolVersion(7)], supported: [.v1]) == nil)
        #expect(ProtocolVersion.negotiate(offered: [], supported: [.v1]) == nil)
    }
}
