import EdgeAITesting
import Foundation
import Testing

@testable import EdgeAIPKI

/// AES-256-GCM sealing of stored Secrets: the envelope names the key, the context binds the
/// value to its object, tampering is detected, and the key file is private.
@Suite struct SecretsEncryptionTests {
    let plaintext = Array(#"{"kind":"Secret","data":{"k":"c2VjcmV0"}}"#.utf8)

    @Test func sealThenOpenRoundTripsAndNamesTheKey() throws {
        let e = SecretsEncryption.generate()
        let sealed = try e.seal(plaintext, context: "/registry/secrets/ns/a")
        #expect(sealed.starts(with: Array("k8s:enc:aesgcm:v1:key1:".utf8)))
        #expect(sealed.count == "k8s:enc:aesgcm:v1:key1:".utf8.count + 12 + plaintext.count + 16)
        #expect(try e.open(sealed, context: "/registry/secrets/ns/a") == plaintext)
        // A fresh nonce every time.
        #expect(try e.seal(plaintext, context: "/registry/secrets/ns/a") != sealed)
    }

    @Test func theWrongContextKeyOrBytesNeverOpen() throws {
        let e = SecretsEncryption.generate()
        let sealed = try e.seal(plaintext, context: "/registry/secrets/ns/a")
        #expect(throws: PKIError.self) { try e.open(sealed, context: "/registry/secrets/ns/b") }
        #expect(throws: PKIError.self) { try SecretsEncryption.generate().open(sealed, context: "/registry/secrets/ns/a") }
        var flipped = sealed
        flipped[flipped.count - 20] ^= 1
        #expect(throws: PKIError.self) { try e.open(flipped, context: "/registry/secrets/ns/a") }
        #expect(throws: PKIError.self) { try e.open(Array(sealed.prefix(30)), context: "/registry/secrets/ns/a") }
        #expect(throws: PKIError.self) { try e.open(plaintext, context: "/registry/secrets/ns/a") }
        do {
            _ = try SecretsEncryption.generate(name: "other").open(sealed, context: "/registry/secrets/ns/a")
        } catch let error as PKIError {
            #expect(error.message.contains("key1"))
            #expect(!error.message.contains("c2VjcmV0"))
        }
    }

    /// After a rotation the new key seals and the old one still opens what it sealed.
    @Test func aRotatedKeyFileOpensOldValues() throws {
        let old = SecretsEncryption.generate(name: "key1")
        let sealed = try old.seal(plaintext, context: "c")
        let oldLine = old.keyFile.split(separator: "\n").last.map(String.init) ?? ""
        let newLine = SecretsEncryption.generate(name: "key2").keyFile.split(separator: "\n").last.map(String.init) ?? ""
        let rotated = try SecretsEncryption(keyFile: "# rotated\n\(newLine)\n\n\(oldLine)\n")
        #expect(rotated.activeKeyName == "key2")
        #expect(try rotated.open(sealed, context: "c") == plaintext)
        #expect(try rotated.seal(plaintext, context: "c").starts(with: Array("k8s:enc:aesgcm:v1:key2:".utf8)))
        #expect(!rotated.description.contains(String(oldLine.dropFirst(5))))
    }

    @Test func malformedKeyFilesAreRefusedWithoutShowingKeys() {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        for text in ["", "# only a comment\n", "key1\n", "key1 \(key) extra\n", "key1 c2hvcnQ=\n", "a:b \(key)\n", "k \(key)\nk \(key)\n"] {
            #expect(throws: PKIError.self) { try SecretsEncryption(keyFile: text) }
            do { _ = try SecretsEncryption(keyFile: text) } catch let error as PKIError { #expect(!error.message.contains(key)) } catch {}
        }
    }

    @Test func loadOrCreateMakesOnePrivateKeyFileAndKeepsIt() throws {
        let dir = try TemporaryDirectory(prefix: "secrets-key")
        defer { dir.remove() }
        let first = try SecretsEncryption.loadOrCreate(dataDirectory: dir.path)
        let path = dir.path + "/" + SecretsEncryption.fileName
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let sealed = try first.seal(plaintext, context: "c")
        let again = try SecretsEncryption.loadOrCreate(dataDirectory: dir.path)
        #expect(try again.open(sealed, context: "c") == plaintext)
    }
}
