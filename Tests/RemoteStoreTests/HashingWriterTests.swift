import Crypto
import EdgeAITesting
import Foundation
import NIOPosix
import Testing

@testable import RemoteStore

#if canImport(Glibc)
import Glibc
#endif

/// The download's write path on real files: order, hash, O_DIRECT bypassing the page cache, the
/// page-cache fallback, and failure.
@Suite(.timeLimit(.minutes(1)))
struct HashingWriterTests {
    /// Writes `sizes` (consecutive slices of `bytes` after its first `start` bytes, already in the
    /// file) through a writer; the writer's hash.
    func write(_ bytes: [UInt8], start: Int, sizes: [Int], fd: Int32, direct: Int32?, path: String) async throws -> SHA256 {
        var hash = SHA256()
        hash.update(data: bytes[..<start])
        var writer = HashingWriter(fd: fd, direct: direct, path: path, end: Int64(start), hash: hash, pool: .singleton) { _ in }
        var at = start
        var buffer = AlignedBuffer(capacity: 64 << 10)
        for size in sizes {
            bytes[at..<at + size].withUnsafeBytes { buffer.append($0) }
            at += size
            writer.submit(buffer)
            buffer = try await writer.freeBuffer(capacity: 64 << 10)
            #expect(buffer.count == 0)
        }
        #expect(writer.end == Int64(at))
        return try await writer.finish()
    }

    /// Which of the file's pages are in the page cache.
    func residentPages(_ path: String) throws -> [Bool] {
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let size = Int(try #require(FileOps.size(path)))
        let map = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0))
        try #require(map != MAP_FAILED)
        defer { munmap(map, size) }
        var vector = [UInt8](repeating: 0, count: (size + 4095) / 4096)
        try #require(mincore(map, size, &vector) == 0)
        return vector.map { $0 & 1 == 1 }
    }

    @Test func alignedBuffersGoPastThePageCacheTheRestThroughIt() async throws {
        let dir = try TemporaryDirectory(prefix: "edgeai-hw")
        defer { dir.remove() }
        let path = dir.path + "/model.partial"
        // A resumed file ending mid-block: 1,000 bytes already there.
        let bytes = patternBytes(1000 + 3096 + 8 * (64 << 10) + 777)
        try Data(bytes[..<1000]).write(to: URL(fileURLWithPath: path))
        let fd = try FileOps.openForAppend(path, truncate: false)
        let direct = try #require(FileOps.openDirect(path), "the test directory's file system refuses O_DIRECT")
        defer { FileOps.close(fd, direct) }
        let hash = try await write(bytes, start: 1000, sizes: [3096] + Array(repeating: 64 << 10, count: 8) + [777],
            fd: fd, direct: direct, path: path)
        // Before anything reads the file back into the cache.
        let resident = try residentPages(path)
        // Page 0 (the head, written through the cache) and the last page (the 777-byte tail) are
        // cached; the 8 aligned buffers between (pages 1...128) were written O_DIRECT.
        #expect(resident.first == true && resident.last == true)
        #expect(resident[1...128].allSatisfy { !$0 })
        #expect(Array(hash.finalize()) == SHA256Hash.of(bytes))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }

    @Test func withoutADirectDescriptorEverythingGoesThroughThePageCache() async throws {
        let dir = try TemporaryDirectory(prefix: "edgeai-hw")
        defer { dir.remove() }
        let path = dir.path + "/model.partial"
        let bytes = patternBytes(5 * (64 << 10) + 10)
        let fd = try FileOps.openForAppend(path, truncate: true)
        defer { FileOps.close(fd) }
        let hash = try await write(bytes, start: 0, sizes: Array(repeating: 64 << 10, count: 5) + [10],
            fd: fd, direct: nil, path: path)
        #expect(try residentPages(path).allSatisfy { $0 })
        #expect(Array(hash.finalize()) == SHA256Hash.of(bytes))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }

    @Test func aFailedWriteFailsTheDownloadAndLaterWritesDoNotHappen() async throws {
        let dir = try TemporaryDirectory(prefix: "edgeai-hw")
        defer { dir.remove() }
        let path = dir.path + "/model.partial"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let readOnly = open(path, O_RDONLY)
        try #require(readOnly >= 0)
        defer { FileOps.close(readOnly) }
        var writer = HashingWriter(fd: readOnly, direct: nil, path: path, end: 0, hash: SHA256(), pool: .singleton) { _ in
            Issue.record("a write was reported done")
        }
        for _ in 0..<3 {
            let buffer = AlignedBuffer(capacity: 4096)
            patternBytes(4096).withUnsafeBytes { buffer.append($0) }
            writer.submit(buffer)
        }
        #expect(await writer.settle() == false)
        #expect(FileOps.size(path) == 0)
        var again = HashingWriter(fd: readOnly, direct: nil, path: path, end: 0, hash: SHA256(), pool: .singleton) { _ in }
        let buffer = AlignedBuffer(capacity: 4096)
        patternBytes(100).withUnsafeBytes { buffer.append($0) }
        again.submit(buffer)
        await #expect(throws: RemoteError.self) { _ = try await again.finish() }
    }
}
