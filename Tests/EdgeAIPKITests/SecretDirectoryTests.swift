import EdgeAIPKI
import EdgeAITesting
import Foundation
import Testing

/// The cloud's `--secret-dir`: the Secret volume's files copied into the data directory with
/// private modes, a missing key named, and `retired.keys` following the Secret (also away).
struct SecretDirectoryTests {
    @Test func copiesTheSecretAndFollowsRetiredKeys() throws {
        let root = try TemporaryDirectory(prefix: "secret-dir")
        defer { root.remove() }
        let admin = try PKIBootstrap.ensure(dataDirectory: root.path + "/admin")
        let secret = root.path + "/secret"
        try FileManager.default.createDirectory(atPath: secret, withIntermediateDirectories: true)
        for name in ["cluster.key", "ca.crt", "ca.key"] {
            try FileManager.default.copyItem(atPath: root.path + "/admin/" + name, toPath: secret + "/" + name)
        }
        let data = root.path + "/data"
        try SecretDirectory.copy(from: secret, into: data)
        let loaded = try PKIBootstrap.ensure(dataDirectory: data)
        #expect(loaded.clusterSecret.base64 == admin.clusterSecret.base64)
        #expect(loaded.certificateAuthority.certificatePEM == admin.certificateAuthority.certificatePEM)
        let mode = try FileManager.default.attributesOfItem(atPath: data + "/cluster.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // A rotation in the Secret: the new key and the retired one arrive; later the retired one goes.
        try ClusterKeyRotation.rotate(dataDirectory: secret, grace: .seconds(3600))
        try SecretDirectory.copy(from: secret, into: data)
        #expect(try ClusterKeyRotation.retired(dataDirectory: data).valid(at: Date()).map(\.base64) == [admin.clusterSecret.base64])
        try FileManager.default.removeItem(atPath: secret + "/" + RetiredClusterKeys.fileName)
        try SecretDirectory.copy(from: secret, into: data)
        #expect(try ClusterKeyRotation.retired(dataDirectory: data).keys.isEmpty)

        try FileManager.default.removeItem(atPath: secret + "/ca.key")
        let error = try #require(throws: PKIError.self) { try SecretDirectory.copy(from: secret, into: data) }
        #expect(error.message.contains("\(secret)/ca.key does not exist"))
        #expect(!error.message.contains(loaded.clusterSecret.base64))
    }
}
