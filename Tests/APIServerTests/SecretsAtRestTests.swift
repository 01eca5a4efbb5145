import EdgeAIAPI
import EdgeAIPKI
import EdgeAITesting
import Foundation
import JSON
import Testing

@testable import APIServer

/// Secrets in `state.db` are sealed with the data directory's key: the file holds no plaintext,
/// a restart opens them, and a missing key refuses to start rather than serve garbage.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SecretsAtRestTests {
    static let secrets = SecretTests.secrets
    static let marker = "AtRest-Plaintext-7f3a9c"

    /// Every byte of the store's files (database and WAL), as a string search target.
    static func storeBytes(_ dir: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for suffix in ["", "-wal"] {
            let path = dir + "/state.db" + suffix
            if FileManager.default.fileExists(atPath: path) { bytes += try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) }
        }
        return bytes
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard n.count <= haystack.count else { return false }
        return (0...(haystack.count - n.count)).contains { i in haystack[i..<(i + n.count)].elementsEqual(n) }
    }

    @Test func theDatabaseHoldsNoPlaintextAndARestartOpensIt() async throws {
        let dir = try TemporaryDirectory(prefix: "secrets-at-rest")
        let first = try await TestServer.start(directory: dir)
        let body = SecretTests.secret("creds", stringData: #""SECRET_ACCESS_KEY":"\#(Self.marker)""#)
        let created = try await first.post(Self.secrets, body)
        #expect(created.status == 201)
        // A history row too (the old value of an update), and a Dataset to compare with.
        _ = try await first.patch(Self.secrets + "/creds", #"{"stringData":{"second":"\#(Self.marker)-2"}}"#)
        _ = try await first.post(TestServer.datasets, TestServer.dataset("plain-dataset-marker"))
        let live = try Self.storeBytes(dir.path)
        try await first.stop(removeData: false)
        let stopped = try Self.storeBytes(dir.path)
        for bytes in [live, stopped] {
            #expect(!Self.contains(bytes, Self.marker))
            #expect(!Self.contains(bytes, Base64.encode(Self.marker.utf8)))
            #expect(!Self.contains(bytes, "SECRET_ACCESS_KEY"))  // keys are sealed too: the whole object is
            #expect(!Self.contains(bytes, #""name":"creds""#))
        }
        #expect(Self.contains(stopped, "k8s:enc:aesgcm:v1:key1:"))
        #expect(Self.contains(stopped, "plain-dataset-marker"))  // other kinds are not encrypted

        let keyFile = dir.path + "/" + SecretsEncryption.fileName
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try await TestServer.start(directory: dir)
        let got = try await second.get(Self.secrets + "/creds")
        #expect(got.json["data"]?["SECRET_ACCESS_KEY"] == .string(Base64.encode(Self.marker.utf8)))
        #expect(got.json["metadata"]?["uid"] == created.json["metadata"]?["uid"])
        // A watch from before the update reads the history rows from the file.
        let w = try await second.watch(Self.secrets + "?watch=1&resourceVersion=\(created.json.rv)")
        let event = try await w.nextEvent()
        #expect(event?["object"]?["data"]?["second"] == .string(Base64.encode("\(Self.marker)-2".utf8)))
        try await second.stop(removeData: false)

        // Another key cannot open them: the server refuses to start, naming the key, not the value.
        try SecretsEncryption.generate(name: "other").keyFile.write(toFile: keyFile, atomically: true, encoding: .utf8)
        do {
            let unexpected = try await TestServer.start(directory: dir)
            try await unexpected.stop(removeData: false)
            Issue.record("the server started without the key that sealed its Secrets")
        } catch {
            #expect("\(error)".contains("key1"))
            #expect(!"\(error)".contains(Self.marker))
        }
        dir.remove()
    }
}
