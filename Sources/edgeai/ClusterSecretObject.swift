import EdgeAIAPI
import EdgeAIPKI
import Foundation
import JSON

/// The `edgeai-system/edgeai-cluster` Secret: the cluster key (`cluster.key`, from which node
/// tokens derive), the hub's CA (`ca.crt`, `ca.key`) and, after a rotation, the keys still
/// accepted until their grace ends (`retired.keys`, see ``RetiredClusterKeys``).
///
/// Pure: builds and reads the object. Nothing here logs or prints a value.
struct ClusterSecretObject {
    var clusterKey: ClusterSecret
    var caCertificatePEM: String
    var caKeyPEM: String
    var retired: RetiredClusterKeys

    /// A fresh cluster key and CA, made in memory.
    static func generate(now: Date = Date()) throws -> ClusterSecretObject {
        let ca = try CertificateAuthority.generate(now: now)
        return ClusterSecretObject(
            clusterKey: ClusterSecret.generate(), caCertificatePEM: ca.certificatePEM, caKeyPEM: ca.privateKeyPEM, retired: RetiredClusterKeys())
    }

    /// Reads a Secret object as the API returns it (`data` base64).
    /// - Throws: ``CLIError`` naming the missing or malformed key (never its value).
    init(secret: JSONValue) throws {
        func text(_ key: String) throws -> String? {
            guard let encoded = secret["data"]?[key]?.stringValue else { return nil }
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                throw CLIError("Secret \(InstallPlan.secretNamespace)/\(InstallPlan.secretName): key \(key) is not base64 text")
            }
            return text
        }
        func required(_ key: String) throws -> String {
            guard let value = try text(key) else {
                throw CLIError("Secret \(InstallPlan.secretNamespace)/\(InstallPlan.secretName) has no key \(key)")
            }
            return value
        }
        do {
            clusterKey = try ClusterSecret(base64: required("cluster.key"))
        } catch let error as PKIError {
            throw CLIError("Secret \(InstallPlan.secretNamespace)/\(InstallPlan.secretName): cluster.key: \(error.message)")
        }
        caCertificatePEM = try required("ca.crt")
        caKeyPEM = try required("ca.key")
        retired = try RetiredClusterKeys(parsing: text(RetiredClusterKeys.fileName) ?? "")
    }

    init(clusterKey: ClusterSecret, caCertificatePEM: String, caKeyPEM: String, retired: RetiredClusterKeys) {
        self.clusterKey = clusterKey
        self.caCertificatePEM = caCertificatePEM
        self.caKeyPEM = caKeyPEM
        self.retired = retired
    }

    /// The Secret object (`resourceVersion` set when replacing one).
    func object(resourceVersion: String? = nil) -> JSONValue {
        func encoded(_ text: String) -> JSONValue { .string(Data(text.utf8).base64EncodedString()) }
        var data: [String: JSONValue] = [
            "cluster.key": encoded(clusterKey.base64 + "\n"), "ca.crt": encoded(caCertificatePEM), "ca.key": encoded(caKeyPEM),
        ]
        if !retired.keys.isEmpty { data[RetiredClusterKeys.fileName] = encoded(retired.text) }
        var metadata: JSONValue = [
            "name": .string(InstallPlan.secretName), "namespace": .string(InstallPlan.secretNamespace),
            "labels": [DeployManifests.partOfLabel.0: .string(DeployManifests.partOfLabel.1)],
        ]
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        return ["apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": metadata, "data": .object(data)]
    }

    /// A new cluster key; the current one is accepted until `now + grace` (expired ones dropped).
    func rotated(grace: Duration, now: Date = Date()) -> ClusterSecretObject {
        var copy = self
        copy.retired = retired.adding(clusterKey, until: now.addingTimeInterval(TimeInterval(grace.components.seconds)), now: now)
        copy.clusterKey = ClusterSecret.generate()
        return copy
    }
}
