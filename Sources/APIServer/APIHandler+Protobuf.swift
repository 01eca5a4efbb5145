import Hummingbird
import JSON
import KubeProtobuf

/// `application/vnd.kubernetes.protobuf` for the built-in kinds (``KubeProtobufCodec``): bodies
/// in, and answers out when the client's `Accept` puts protobuf first. Custom resources stay
/// JSON/YAML only, as in kube-apiserver.
extension APIHandler {
    /// Kinds whose bodies may arrive as protobuf (the objects, and DeleteOptions for deletes).
    static let protobufKinds: Set<String> = [
        "Namespace", "Event", "Secret", "Lease", "DeleteOptions", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview",
    ]

    /// The body of a `kind` request in protobuf, as JSON; kube-apiserver's 400 when it is not one.
    /// A Secret's error never quotes its bytes (kube-apiserver's summary of the body could hold
    /// a value).
    static func decodeProtobuf(_ bytes: [UInt8], kind: String) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try KubeProtobufCodec.decode(bytes)
        } catch {
            let quoted = kind == "Secret" ? "" : " (\(summary(bytes)))"
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(kind)): \(error.message)\(quoted)")
        }
        if let sent = value["kind"]?.stringValue, sent != kind {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(kind)): got \(APIError.quote(sent))")
        }
        return value
    }

    /// kube-apiserver's `summarizeData`: JSON-looking text as is, anything else in hex, 30 bytes at most.
    static func summary(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "<empty>" }
        let head = bytes.prefix(30)
        func hex(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }
        let text = bytes.first == UInt8(ascii: "{") ? String(decoding: head, as: UTF8.self) : head.map(hex).joined()
        return bytes.count > 30 ? text + " ..." : text
    }

    /// Whether `accept` names protobuf before any JSON or YAML type (kubectl's typed clients send
    /// `application/vnd.kubernetes.protobuf,application/json`).
    static func prefersProtobuf(_ accept: String) -> Bool {
        if accept.isEmpty || accept == "application/json" { return false }
        for entry in accept.split(separator: ",") {
            let media = entry.split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
            if media == KubeProtobufCodec.mediaType { return true }
            if ["application/json", "application/yaml", "*/*", "application/*"].contains(media) { return false }
        }
        return false
    }

    /// The answer in protobuf when the client prefers it and the body's kind has a message;
    /// nil otherwise (the caller answers JSON).
    static func protobufResponse(_ status: Int, _ body: [UInt8], accept: String, warnings: [String]) -> Response? {
        guard prefersProtobuf(accept), let value = try? JSONParser.parse(body),
              let encoded = try? KubeProtobufCodec.encode(value)
        else { return nil }
        return json(status, encoded, contentType: KubeProtobufCodec.mediaType, warnings: warnings)
    }

    /// The failure `Status`, in protobuf when the client prefers it and the path is a built-in
    /// kind or a self review (kube-apiserver answers custom resources' errors in JSON).
    static func status(_ error: APIError, for request: Request) -> Response {
        let accept = request.headers.first(.accept) ?? ""
        if prefersProtobuf(accept), case .resource(let path) = RequestTarget(path: request.uri.path),
           path.group.isEmpty || path.group == "coordination.k8s.io" || SelfReview.endpoint(group: path.group, version: path.version, plural: path.plural) != nil,
           let proto = protobufResponse(error.code, JSONWriter.bytes(error.status), accept: accept, warnings: [])
        {
            return proto
        }
        return status(error)
    }
}
