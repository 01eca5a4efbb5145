import EdgeAITesting
import Foundation
import ObjectStore
import Testing

/// A reversible stand-in for encryption: reverses the bytes and prefixes a tag; refuses
/// untagged input (as a decrypting transformer refuses plaintext).
struct ReversingTransformer: StorageTransformer {
    static let tag = Array("rev:".utf8)
    struct Refused: Error {}

    func applies(to resource: String) -> Bool { resource == "secrets" }
    func toStorage(_ value: [UInt8], key: ObjectKey) throws -> [UInt8] { Self.tag + value.reversed() }
    func fromStorage(_ stored: [UInt8], key: ObjectKey) throws -> [UInt8] {
        guard stored.starts(with: Self.tag) else { throw Refused() }
        return stored.dropFirst(Self.tag.count).reversed()
    }
}

/// The transformer sees every value on its way into and out of the file, and only there.
@Suite(.timeLimit(.minutes(2))) struct StorageTransformerTests {
    static func fileBytes(_ directory: TemporaryDirectory) throws -> [UInt8] {
        var all: [UInt8] = []
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: directory.databasePath + suffix) {
            all += try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.databasePath + suffix)))
        }
        return all
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard n.count <= haystack.count else { return false }
        return (0...(haystack.count - n.count)).contains { haystack[$0..<($0 + n.count)].elementsEqual(n) }
    }

    @Test func valuesAreTransformedInTheFileOnlyAndReadBackEverywhere() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secret = ObjectKey(resource: "secrets", namespace: "ns", name: "s")
        // An event cache of one forces the watch below to read history from the file.
        let options = StoreOptions(eventCacheCapacity: 1)
        let store = try ObjectStore(path: directory.databasePath, options: options, transformer: ReversingTransformer())
        let created = try await store.create(secret) { _ in bytes("plain-one") }
        _ = try await store.update(secret) { _, _ in bytes("plain-two") }
        _ = try await store.create(datasetKey("d")) { _ in bytes("dataset-visible") }
        #expect(await store.get(secret).map { text($0.value) } == "plain-two")
        let stream = try await store.watch(resource: "secrets", after: created.revision - 1)
        let events = try await collect(2, from: stream)
        #expect(events.map { text($0.object.value) } == ["plain-one", "plain-two"])
        #expect(events.last?.previous.map { text($0.value) } == "plain-one")
        await store.close()

        let file = try Self.fileBytes(directory)
        #expect(!Self.contains(file, "plain-one") && !Self.contains(file, "plain-two"))
        #expect(Self.contains(file, "rev:owt-nialp"))
        #expect(Self.contains(file, "dataset-visible"))

        let reopened = try ObjectStore(path: directory.databasePath, transformer: ReversingTransformer())
        #expect(await reopened.get(secret).map { text($0.value) } == "plain-two")
        await reopened.close()
        // Without the transformer the stored form is what the file holds.
        let raw = try ObjectStore(path: directory.databasePath)
        #expect(await raw.get(secret).map { text($0.value) } == "rev:owt-nialp")
        await raw.close()
    }

    @Test func aValueTheTransformerRefusesFailsTheOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plain = try ObjectStore(path: directory.databasePath)
        _ = try await plain.create(ObjectKey(resource: "secrets", namespace: "ns", name: "s")) { _ in bytes("plain-value") }
        await plain.close()
        do {
            let store = try ObjectStore(path: directory.databasePath, transformer: ReversingTransformer())
            await store.close()
            Issue.record("opened a store whose secret the transformer refuses")
        } catch let error as StoreError {
            #expect("\(error)".contains("secrets ns/s"))
            #expect(!"\(error)".contains("plain-value"))
        }
    }
}
