import Foundation
import JSON
import Testing

@testable import KubeProtobuf

/// `v1.Secret` on the protobuf wire: `data` is raw bytes there and base64 in JSON.
@Suite struct KubeProtobufSecretTests {
    /// Every byte value, so no UTF-8 or text step can pass unnoticed.
    static let binary = Data((0...255).map { UInt8($0) } + [0x00, 0xFF, 0xC3])

    static let secret: JSONValue = [
        "apiVersion": "v1", "kind": "Secret",
        "metadata": ["name": "creds", "namespace": "default", "labels": ["app": "edgeai"]],
        "type": "Opaque", "immutable": true,
        // Keys that are field names elsewhere, and an empty value, stay as they are.
        "data": ["bin": .string(binary.base64EncodedString()), "time": "dGltZQ==", "labels": "", "creationTimestamp": "eA=="],
        "stringData": ["ACCESS_KEY_ID": "AKID", "generation": "not a number"],
    ]

    static func varint(_ v: Int) -> [UInt8] {
        var v = UInt64(v), out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    /// A length-delimited protobuf field.
    static func field(_ n: Int, _ bytes: [UInt8]) -> [UInt8] { varint(n << 3 | 2) + varint(bytes.count) + bytes }

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        guard bytes.count >= part.count else { return false }
        return (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
    }

    @Test func aSecretRoundTripsWithBinaryData() throws {
        let bytes = try #require(try KubeProtobufCodec.encode(Self.secret))
        #expect(try KubeProtobufCodec.decode(bytes) == Self.secret)
        // On the wire the value is the bytes themselves (a map entry: key 1, value 2), not their base64.
        let entry = Self.field(1, Array("bin".utf8)) + Self.field(2, Array(Self.binary))
        #expect(Self.contains(bytes, Self.field(2, entry)))
        #expect(KubeProtobufCodec.supports(apiVersion: "v1", kind: "SecretList"))
    }

    /// A body as Go writes it (kubectl: fields in number order, the envelope's content type set)
    /// reads into the server's JSON.
    @Test func kubectlsBodyDecodes() throws {
        let meta = Self.field(1, Array("from-kubectl".utf8)) + Self.field(8, [])
        let secret = Self.field(1, meta) + Self.field(2, Self.field(1, Array("key".utf8)) + Self.field(2, Array(Self.binary)))
            + Self.field(3, Array("kubernetes.io/basic-auth".utf8))
        let typeMeta = Self.field(1, Array("v1".utf8)) + Self.field(2, Array("Secret".utf8))
        let body = KubeProtobufCodec.magic + Self.field(1, typeMeta) + Self.field(2, secret) + Self.field(4, Array(KubeProtobufCodec.mediaType.utf8))
        #expect(try KubeProtobufCodec.decode(body) == [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "from-kubectl"], "type": "kubernetes.io/basic-auth",
            "data": ["key": .string(Self.binary.base64EncodedString())],
        ])
    }

    @Test func aSecretListRoundTrips() throws {
        let list: JSONValue = [
            "apiVersion": "v1", "kind": "SecretList", "metadata": ["resourceVersion": "7"],
            "items": [["metadata": ["name": "a"], "data": ["k": .string(Self.binary.base64EncodedString())], "type": "Opaque"]],
        ]
        #expect(try KubeProtobufCodec.decode(try #require(try KubeProtobufCodec.encode(list))) == list)
    }

    /// A cut or malformed body is an error that names neither a value nor its bytes.
    @Test func badBodiesAreErrorsWithoutValues() throws {
        let value = "s3cr3t-Pl41nText-Value"
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "x"], "data": .object(["k": .string(Data(value.utf8).base64EncodedString())])]
        let bytes = try #require(try KubeProtobufCodec.encode(secret))
        // Cut inside the value (the envelope's two empty trailing fields are 4 bytes).
        for cut in [Array(bytes.dropLast(10)), Array(bytes.dropLast(4).dropLast(8)) + [0x1A, 0x00, 0x22, 0x00]] {
            let error = #expect(throws: KubeProtobufCodec.DecodeError.self) { try KubeProtobufCodec.decode(cut) }
            let text = error?.message ?? ""
            #expect(!text.isEmpty)
            #expect(!text.contains("s3cr3t") && !text.contains(Data(value.utf8).base64EncodedString().prefix(8)))
        }
        // Not base64 in JSON: an encode error that does not quote it.
        let notBase64: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "x"], "data": ["k": "s3cr3t-!!"]]
        let error = #expect(throws: KubeProtobufCodec.DecodeError.self) { try KubeProtobufCodec.encode(notBase64) }
        let message = try #require(error?.message)
        #expect(!message.contains("s3cr3t"))
    }
}
