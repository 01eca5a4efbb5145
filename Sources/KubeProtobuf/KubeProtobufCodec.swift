import Foundation
package import JSON
import SwiftProtobuf

/// Kubernetes' protobuf wire format (`application/vnd.kubernetes.protobuf`) for the built-in
/// kinds the embedded server has: the magic `k8s\0`, then a `runtime.Unknown` whose `typeMeta`
/// names the kind and whose `raw` holds the kind's message.
///
/// Pure: bytes ↔ the same Kubernetes JSON values the server stores. Kinds without a message
/// (custom resources) are not encoded; their bodies are refused by the caller, as
/// kube-apiserver refuses protobuf for custom resources.
package enum KubeProtobufCodec {
    package static let mediaType = "application/vnd.kubernetes.protobuf"
    /// `k8s\0`
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]
    /// Bounds what one decode may do (the body itself is already bounded by the server).
    static let maximumDepth = 64

    package struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    typealias Unknown = K8s_Io_Apimachinery_Pkg_Runtime_Unknown

    /// The messages by `apiVersion` and `kind`.
    static let messages: [String: any SwiftProtobuf.Message.Type] = [
        "v1/Namespace": K8s_Io_Api_Core_V1_Namespace.self,
        "v1/NamespaceList": K8s_Io_Api_Core_V1_NamespaceList.self,
        "v1/Event": K8s_Io_Api_Core_V1_Event.self,
        "v1/EventList": K8s_Io_Api_Core_V1_EventList.self,
        "v1/Secret": K8s_Io_Api_Core_V1_Secret.self,
        "v1/SecretList": K8s_Io_Api_Core_V1_SecretList.self,
        "coordination.k8s.io/v1/Lease": K8s_Io_Api_Coordination_V1_Lease.self,
        "coordination.k8s.io/v1/LeaseList": K8s_Io_Api_Coordination_V1_LeaseList.self,
        "v1/Status": K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_Status.self,
        "v1/DeleteOptions": K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_DeleteOptions.self,
        "meta.k8s.io/v1/DeleteOptions": K8s_Io_Apimachinery_Pkg_Apis_Meta_V1_DeleteOptions.self,
        "authorization.k8s.io/v1/SelfSubjectAccessReview": K8s_Io_Api_Authorization_V1_SelfSubjectAccessReview.self,
        "authorization.k8s.io/v1/SelfSubjectRulesReview": K8s_Io_Api_Authorization_V1_SelfSubjectRulesReview.self,
        "authentication.k8s.io/v1/SelfSubjectReview": K8s_Io_Api_Authentication_V1_SelfSubjectReview.self,
    ]

    package static func supports(apiVersion: String, kind: String) -> Bool {
        messages["\(apiVersion)/\(kind)"] != nil
    }

    /// A protobuf body as a Kubernetes JSON object, `apiVersion` and `kind` taken from the envelope.
    package static func decode(_ bytes: some Collection<UInt8>) throws(DecodeError) -> JSONValue {
        let body = Array(bytes)
        guard body.starts(with: magic) else {
            throw DecodeError(message: "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
        }
        let envelope: Unknown
        do {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = maximumDepth
            envelope = try Unknown(serializedBytes: Array(body.dropFirst(magic.count)), options: options)
        } catch {
            throw DecodeError(message: "unable to decode the protobuf envelope: \(error)")
        }
        let apiVersion = envelope.typeMeta.apiVersion
        let kind = envelope.typeMeta.kind
        guard let type = messages["\(apiVersion)/\(kind)"] else {
            throw DecodeError(message: "no kind \(JSONWriter.string(.string(kind))) is registered for version \(JSONWriter.string(.string(apiVersion)))")
        }
        guard envelope.contentEncoding.isEmpty else {
            throw DecodeError(message: "unsupported content encoding \(JSONWriter.string(.string(envelope.contentEncoding)))")
        }
        let json: String
        do {
            json = try jsonOfMessage(type, envelope.raw)
        } catch {
            throw DecodeError(message: "unable to decode \(kind): \(error)")
        }
        guard case .object(var members) = ProtoJSONMapping.fromProto((try? JSONParser.parse(json)) ?? .object([:])) else {
            throw DecodeError(message: "unable to decode \(kind)")
        }
        members["apiVersion"] = .string(apiVersion)
        members["kind"] = .string(kind)
        return .object(members)
    }

    /// `object` as a protobuf body, or nil when its kind has no message here. Members the
    /// message has no field for are dropped, as a Go struct drops them.
    package static func encode(_ object: JSONValue) throws(DecodeError) -> [UInt8]? {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
              let type = messages["\(apiVersion)/\(kind)"]
        else { return nil }
        var body = object
        body["apiVersion"] = nil
        body["kind"] = nil
        let protoJSON: JSONValue
        do {
            protoJSON = try ProtoJSONMapping.toProto(body)
        } catch {
            throw DecodeError(message: error.message)
        }
        var envelope = Unknown()
        envelope.typeMeta.apiVersion = apiVersion
        envelope.typeMeta.kind = kind
        do {
            envelope.raw = try messageBytes(type, fromJSON: String(decoding: JSONWriter.bytes(protoJSON), as: UTF8.self))
            envelope.contentEncoding = ""
            envelope.contentType = ""
            let bytes: [UInt8] = try envelope.serializedBytes()
            return magic + bytes
        } catch {
            throw DecodeError(message: "unable to encode \(kind): \(error)")
        }
    }

    private static func jsonOfMessage<M: SwiftProtobuf.Message>(_ type: M.Type, _ raw: Data) throws -> String {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = maximumDepth
        return try M(serializedBytes: raw, options: options).jsonString()
    }

    private static func messageBytes<M: SwiftProtobuf.Message>(_ type: M.Type, fromJSON json: String) throws -> Data {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        options.messageDepthLimit = maximumDepth
        return try M(jsonString: json, options: options).serializedData()
    }
}
