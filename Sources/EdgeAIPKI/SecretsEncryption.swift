import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Encryption at rest for Secrets, as kube-apiserver's `aesgcm` provider (and k3s's
/// `--secrets-encryption`) does it: AES-256-GCM with a random 96-bit nonce, the stored value
/// being `k8s:enc:aesgcm:v1:<key name>:` + nonce + ciphertext + tag. The envelope names the key,
/// so after a rotation values sealed with an older key still open while new ones use the first.
/// The associated data is the object's storage key, so a value copied to another object does
/// not open.
///
/// Keys live in ``fileName`` in the data directory (mode 0600), one `<name> <base64 32 bytes>`
/// per line, the first one sealing. `description` and errors never show key material or
/// plaintext.
package struct SecretsEncryption: Sendable, CustomStringConvertible {
    package static let fileName = "secrets-encryption.keys"
    package static let envelopePrefix = "k8s:enc:aesgcm:v1:"
    static let nonceSize = 12
    static let tagSize = 16

    struct Key: Sendable {
        var name: String
        var key: SymmetricKey
    }

    let keys: [Key]

    /// The name of the key that seals new values.
    package var activeKeyName: String { keys.first?.name ?? "" }

    package var description: String { "SecretsEncryption(keys: \(keys.map(\.name).joined(separator: ", ")))" }

    /// A fresh single-key configuration named `name`.
    package static func generate(name: String = "key1") -> SecretsEncryption {
        SecretsEncryption(keys: [Key(name: name, key: SymmetricKey(size: .bits256))])
    }

    init(keys: [Key]) { self.keys = keys }

    /// Parses a key file. Blank lines and `#` comments are ignored.
    /// - Throws: ``PKIError`` `.invalidSecret` naming the line (never its key).
    package init(keyFile text: String) throws {
        var keys: [Key] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = raw.split { $0 == " " || $0 == "\t" || $0 == "\r" }
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            let location = "\(Self.fileName) line \(number + 1)"
            guard fields.count == 2 else { throw PKIError(.invalidSecret, "\(location): expected `<name> <base64 key>`") }
            let name = String(fields[0])
            guard name.count <= 64, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw PKIError(.invalidSecret, "\(location): a key name is 1-64 printable characters without ':'")
            }
            guard !keys.contains(where: { $0.name == name }) else { throw PKIError(.invalidSecret, "\(location): key name \(name) repeated") }
            guard let data = Data(base64Encoded: String(fields[1])), data.count == 32 else {
                throw PKIError(.invalidSecret, "\(location): key \(name) is not 32 bytes of base64")
            }
            keys.append(Key(name: name, key: SymmetricKey(data: data)))
        }
        guard !keys.isEmpty else { throw PKIError(.invalidSecret, "\(Self.fileName) holds no key") }
        self.keys = keys
    }

    /// The key file's text.
    package var keyFile: String {
        var text = "# edgeai Secrets encryption keys (AES-256-GCM). The first seals, all open. Losing this file loses every Secret.\n"
        for k in keys {
            text += k.name + " " + k.key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        }
        return text
    }

    /// Reads `<dataDirectory>/secrets-encryption.keys`, creating it (0600) with a fresh key if
    /// absent. The directory is locked while doing so, so two processes never make two keys.
    /// Blocking file I/O: call it at start-up, off any actor.
    package static func loadOrCreate(dataDirectory: String) throws -> SecretsEncryption {
        try SecureFile.createDirectory(dataDirectory)
        let path = dataDirectory + "/" + fileName
        return try SecureFile.withLock(in: dataDirectory) {
            if let text = try SecureFile.readString(path) { return try SecretsEncryption(keyFile: text) }
            let fresh = generate()
            try SecureFile.writeAtomically(fresh.keyFile, to: path, mode: 0o600)
            return fresh
        }
    }

    /// Seals `plaintext` with the first key, bound to `context` (the storage key).
    package func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        guard let active = keys.first else { throw PKIError(.invalidSecret, "no encryption key") }
        let box = try AES.GCM.seal(plaintext, using: active.key, nonce: AES.GCM.Nonce(), authenticating: Array(context.utf8))
        var out = Array((Self.envelopePrefix + active.name + ":").utf8)
        out.reserveCapacity(out.count + Self.nonceSize + plaintext.count + Self.tagSize)
        out += box.nonce.withUnsafeBytes { Array($0) }
        out += box.ciphertext
        out += box.tag
        return out
    }

    /// Opens a value sealed by ``seal(_:context:)`` with any configured key.
    /// - Throws: ``PKIError`` `.invalidSecret`: not an envelope, an unknown key name, or a value
    ///   that fails authentication (wrong key, wrong context, altered bytes).
    package func open(_ stored: [UInt8], context: String) throws -> [UInt8] {
        let prefix = Array(Self.envelopePrefix.utf8)
        guard stored.count > prefix.count, Array(stored.prefix(prefix.count)) == prefix else {
            throw PKIError(.invalidSecret, "the stored value is not encrypted (no \(Self.envelopePrefix) prefix)")
        }
        let rest = stored[prefix.count...]
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")), colon - rest.startIndex <= 64 else {
            throw PKIError(.invalidSecret, "the stored value has no key name")
        }
        let name = String(decoding: rest[rest.startIndex..<colon], as: UTF8.self)
        guard let key = keys.first(where: { $0.name == name }) else {
            throw PKIError(.invalidSecret, "the stored value was sealed with key \(name), which \(Self.fileName) does not hold")
        }
        let body = stored[(colon + 1)...]
        guard body.count >= Self.nonceSize + Self.tagSize else { throw PKIError(.invalidSecret, "the stored value is truncated") }
        let nonceEnd = body.startIndex + Self.nonceSize
        let tagStart = body.endIndex - Self.tagSize
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: body[body.startIndex..<nonceEnd]), ciphertext: body[nonceEnd..<tagStart], tag: body[tagStart...])
            return Array(try AES.GCM.open(box, using: key.key, authenticating: Array(context.utf8)))
        } catch {
            throw PKIError(.invalidSecret, "the stored value does not authenticate with key \(name)")
        }
    }
}
