#if canImport(FoundationEssentials)
package import FoundationEssentials
#else
package import Foundation
#endif

/// The cluster key of a data directory with the keys it replaced: `cluster.key` and
/// `retired.keys` (``RetiredClusterKeys``). Reads and rotates under the directory lock.
package enum ClusterKeyRotation {
    /// The retired keys of `dataDirectory` (none when the file is absent).
    package static func retired(dataDirectory: String) throws -> RetiredClusterKeys {
        let path = dataDirectory + "/" + RetiredClusterKeys.fileName
        guard let text = try SecureFile.readString(path) else { return RetiredClusterKeys() }
        do { return try RetiredClusterKeys(parsing: text) } catch let error as PKIError {
            throw PKIError(error.code, "\(path): \(error.message)")
        }
    }

    /// Replaces `cluster.key` with a fresh key; the old one is accepted until `now + grace`.
    /// Both files are written atomically, 0600; `retired.keys` first, so a crash in between
    /// leaves the old key current, never lost.
    package static func rotate(dataDirectory: String, grace: Duration, now: Date = Date()) throws {
        let paths = ClusterCredentials.Paths(dataDirectory: dataDirectory)
        try SecureFile.withLock(in: paths.dataDirectory) {
            guard let text = try SecureFile.readString(paths.clusterSecret) else {
                throw PKIError(.missingFile, "\(paths.clusterSecret) does not exist: nothing to rotate")
            }
            let current: ClusterSecret
            do { current = try ClusterSecret(base64: text) } catch let error as PKIError {
                throw PKIError(error.code, "\(paths.clusterSecret): \(error.message)")
            }
            let until = now.addingTimeInterval(TimeInterval(grace.components.seconds))
            let retired = try retired(dataDirectory: paths.dataDirectory).adding(current, until: until, now: now)
            try SecureFile.writeAtomically(retired.text, to: paths.dataDirectory + "/" + RetiredClusterKeys.fileName, mode: 0o600)
            try SecureFile.writeAtomically(ClusterSecret.generate().base64 + "\n", to: paths.clusterSecret, mode: 0o600)
        }
    }
}
