import EdgeAIAPI
import JSON

/// Reads a Secret sent as `application/vnd.kubernetes.protobuf` (what `kubectl create secret`
/// sends: kube's `k8s\0` magic, a `runtime.Unknown` envelope, the `v1.Secret` message in it)
/// into the JSON object the rest of the server handles. Pure; bounded by the body limit and a
/// fixed nesting (envelope → Secret → ObjectMeta → map entry). Fields the server does not keep
/// (`creationTimestamp`, `managedFields`, …) are skipped; answers are JSON, which kubectl
/// accepts beside protobuf.
///
/// Field numbers from `k8s.io/api/core/v1/generated.proto` and
/// `k8s.io/apimachinery/pkg/{runtime,apis/meta/v1}/generated.proto`.
enum SecretProtobuf {
    static let mediaType = "application/vnd.kubernetes.protobuf"
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    struct Malformed: Error {}

    static func decode(_ body: [UInt8]) throws -> JSONValue {
        guard body.starts(with: magic) else { throw SecretStrategy.decodeError("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]") }
        do {
            var apiVersion = "", kind = ""
            var raw: ArraySlice<UInt8> = []
            try fields(body[magic.count...]) { number, value in
                switch (number, value) {
                case (1, .bytes(let typeMeta)):
                    try fields(typeMeta) { n, v in
                        if n == 1, case .bytes(let s) = v { apiVersion = try text(s) }
                        if n == 2, case .bytes(let s) = v { kind = try text(s) }
                    }
                case (2, .bytes(let bytes)): raw = bytes
                case (3, .bytes(let encoding)) where !encoding.isEmpty: throw Malformed()  // no content encodings
                default: break
                }
            }
            var object = try secret(raw)
            object["apiVersion"] = .string(apiVersion)
            object["kind"] = .string(kind)
            return object
        } catch let error as APIError {
            throw error
        } catch {
            throw SecretStrategy.decodeError("the protobuf body is malformed")
        }
    }

    private static func secret(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        var object: [String: JSONValue] = [:]
        var data: [String: JSONValue] = [:]
        var stringData: [String: JSONValue] = [:]
        try fields(bytes) { number, value in
            switch (number, value) {
            case (1, .bytes(let meta)): object["metadata"] = try metadata(meta)
            case (2, .bytes(let entry)):
                let (key, value) = try mapEntry(entry)
                data[try text(key)] = .string(Base64.encode(value))
            case (3, .bytes(let type)): object["type"] = .string(try text(type))
            case (4, .bytes(let entry)):
                let (key, value) = try mapEntry(entry)
                stringData[try text(key)] = .string(try text(value))
            case (5, .varint(let flag)): object["immutable"] = .bool(flag != 0)
            default: break
            }
        }
        if !data.isEmpty { object["data"] = .object(data) }
        if !stringData.isEmpty { object["stringData"] = .object(stringData) }
        return .object(object)
    }

    private static func metadata(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        var meta: [String: JSONValue] = [:]
        var labels: [String: JSONValue] = [:]
        var annotations: [String: JSONValue] = [:]
        var finalizers: [JSONValue] = []
        let strings = [1: "name", 2: "generateName", 3: "namespace", 5: "uid", 6: "resourceVersion"]
        try fields(bytes) { number, value in
            switch (number, value) {
            case (let n, .bytes(let s)) where strings[n] != nil:
                let string = try text(s)
                if !string.isEmpty, let name = strings[n] { meta[name] = .string(string) }
            case (11, .bytes(let entry)):
                let (k, v) = try mapEntry(entry)
                labels[try text(k)] = .string(try text(v))
            case (12, .bytes(let entry)):
                let (k, v) = try mapEntry(entry)
                annotations[try text(k)] = .string(try text(v))
            case (14, .bytes(let s)): finalizers.append(.string(try text(s)))
            default: break
            }
        }
        if !labels.isEmpty { meta["labels"] = .object(labels) }
        if !annotations.isEmpty { meta["annotations"] = .object(annotations) }
        if !finalizers.isEmpty { meta["finalizers"] = .array(finalizers) }
        return .object(meta)
    }

    private static func mapEntry(_ bytes: ArraySlice<UInt8>) throws -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        var key: ArraySlice<UInt8> = []
        var value: ArraySlice<UInt8> = []
        try fields(bytes) { number, field in
            if number == 1, case .bytes(let k) = field { key = k }
            if number == 2, case .bytes(let v) = field { value = v }
        }
        return (key, value)
    }

    private static func text(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else { throw Malformed() }
        return s
    }

    enum Field {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    /// Calls `body` with each field of one message, in order.
    static func fields(_ bytes: ArraySlice<UInt8>, _ body: (Int, Field) throws -> Void) throws {
        var i = bytes.startIndex
        func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.endIndex, shift < 64 else { throw Malformed() }
                let b = bytes[i]
                i += 1
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while i < bytes.endIndex {
            let tag = try varint()
            let number = Int(truncatingIfNeeded: tag >> 3)
            guard number > 0 else { throw Malformed() }
            switch tag & 7 {
            case 0: try body(number, .varint(try varint()))
            case 1:
                guard bytes.endIndex - i >= 8 else { throw Malformed() }
                i += 8
                try body(number, .fixed)
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.endIndex - i) else { throw Malformed() }
                let end = i + Int(length)
                let slice = bytes[i..<end]
                i = end
                try body(number, .bytes(slice))
            case 5:
                guard bytes.endIndex - i >= 4 else { throw Malformed() }
                i += 4
                try body(number, .fixed)
            default:
                throw Malformed()
            }
        }
    }
}
