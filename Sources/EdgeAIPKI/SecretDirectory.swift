#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The cluster key and CA as a Kubernetes Secret volume holds them: one file per key
/// (`cluster.key`, `ca.crt`, `ca.key`, and after a rotation `retired.keys`), each a symlink into
/// the volume's `..data` directory.
///
/// ``copy(from:into:)`` installs them into a data directory (keys 0600, certificate 0644) before
/// ``PKIBootstrap/ensure(dataDirectory:hosts:now:)`` loads it, so the pod needs no shell or init
/// container and the Secret stays the one source of truth. Error messages name the file and the
/// Secret key, never a file's contents.
package enum SecretDirectory {
    /// The Secret keys the cloud needs, with the mode each gets in the data directory.
    package static let files: [(name: String, mode: UInt32)] = [("cluster.key", 0o600), ("ca.key", 0o600), ("ca.crt", 0o644)]

    /// The largest file accepted (a PEM CA key and certificate are a few kilobytes).
    package static let maxFileBytes = 64 * 1024

    /// Copies every file of ``files`` from `secretDirectory` into `dataDirectory` (created 0700).
    /// - Throws: ``PKIError`` naming the missing, unreadable or oversized file.
    package static func copy(from secretDirectory: String, into dataDirectory: String) throws {
        try SecureFile.createDirectory(dataDirectory, mode: 0o700)
        try SecureFile.withLock(in: dataDirectory) {
            for file in files {
                let source = secretDirectory + "/" + file.name
                guard let text = try SecureFile.readString(source) else {
                    throw PKIError(
                        .missingFile,
                        "\(source) does not exist: the edgeai-cluster Secret needs the keys cluster.key, ca.crt and ca.key")
                }
                guard text.utf8.count <= maxFileBytes else {
                    throw PKIError(.missingFile, "\(source) is larger than \(maxFileBytes) bytes")
                }
                try SecureFile.writeAtomically(text, to: dataDirectory + "/" + file.name, mode: file.mode)
            }
            let retired = dataDirectory + "/" + RetiredClusterKeys.fileName
            let retiredSource = secretDirectory + "/" + RetiredClusterKeys.fileName
            if let text = try SecureFile.readString(retiredSource) {
                guard text.utf8.count <= maxFileBytes else { throw PKIError(.invalidSecret, "\(retiredSource) is larger than \(maxFileBytes) bytes") }
                try SecureFile.writeAtomically(text, to: retired, mode: 0o600)
            } else if try SecureFile.readString(retired) != nil {
                try SecureFile.writeAtomically("", to: retired, mode: 0o600)
            }
        }
    }

    /// The files whose content the cloud watches in `secretDirectory`.
    package static func watchedFiles(in secretDirectory: String) -> [String] {
        (files.map(\.name) + [RetiredClusterKeys.fileName]).map { secretDirectory + "/" + $0 }
    }
}
