import Crypto
import NIOPosix

/// Page-aligned bytes for O_DIRECT writes. Filled by one owner; while a ``HashingWriter`` holds it,
/// only read (by its hash and its write, possibly at once), and refilled only once both are done.
final class AlignedBuffer: @unchecked Sendable {
    /// The block alignment O_DIRECT needs on every Linux file system (address, offset, length).
    static let alignment = 4096
    let capacity: Int
    private let base: UnsafeMutableRawPointer
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity > 0 && capacity % Self.alignment == 0, "capacity must be a positive multiple of \(Self.alignment)")
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: Self.alignment)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Copies `source`, which must fit in the room left.
    func append(_ source: UnsafeRawBufferPointer) {
        precondition(source.count <= capacity - count, "append past capacity")
        guard let from = source.baseAddress, source.count > 0 else { return }
        (base + count).copyMemory(from: from, byteCount: source.count)
        count += source.count
    }

    func clear() { count = 0 }
}

/// Hashes buffers (SHA-256) and appends them to a file, each strictly in submission order, on a
/// thread pool: the hash of one buffer runs beside the write of another, and up to ``depth``
/// buffers are in flight, so the producer (the network) waits for neither while a buffer is free.
///
/// A block-aligned buffer at a block-aligned offset goes through the O_DIRECT descriptor when
/// there is one: no page-cache copy, no dirty pages left for the final fsync, and no other
/// process's cache evicted by a large model. Anything else, or a file system that refuses it,
/// goes through the page cache with its device write started at once. A write runs only after the
/// one before it succeeded, so the file is always an intact prefix of what was submitted.
struct HashingWriter {
    static let depth = 4

    let fd: Int32
    let direct: Int32?
    let path: String
    let pool: NIOThreadPool
    /// Called with the file's new end after each write.
    let written: @Sendable (Int64) -> Void
    /// Where the next submitted buffer goes.
    private(set) var end: Int64
    private var inFlight: [(hash: Task<SHA256, any Error>, write: Task<AlignedBuffer, any Error>)] = []
    private var lastHash: Task<SHA256, any Error>
    private var lastWrite: Task<AlignedBuffer, any Error>?

    /// - Parameters: `hash`: the state after the file's first `end` bytes.
    init(fd: Int32, direct: Int32?, path: String, end: Int64, hash: SHA256, pool: NIOThreadPool,
        written: @escaping @Sendable (Int64) -> Void)
    {
        (self.fd, self.direct, self.path, self.end, self.pool, self.written) = (fd, direct, path, end, pool, written)
        lastHash = Task { hash }
    }

    /// Starts hashing and writing `buffer` at ``end``; the buffer belongs to the writer until
    /// ``freeBuffer(capacity:)`` gives it back.
    mutating func submit(_ buffer: AlignedBuffer) {
        let (previousHash, previousWrite, offset, fd, path, pool, written) = (lastHash, lastWrite, end, fd, path, pool, written)
        let aligned = offset % Int64(AlignedBuffer.alignment) == 0 && buffer.count % AlignedBuffer.alignment == 0
        let direct = aligned ? self.direct : nil
        end += Int64(buffer.count)
        let after = end
        let hash = Task {
            let before = try await previousHash.value
            return try await pool.runIfActive {
                var hash = before
                hash.update(bufferPointer: buffer.bytes)
                return hash
            }
        }
        let write = Task {
            _ = try await previousWrite?.value
            try await pool.runIfActive {
                if let direct, try FileOps.write(direct, buffer.bytes, at: offset, path: path) { return }
                guard try FileOps.write(fd, buffer.bytes, at: offset, path: path) else {
                    throw FileOps.error("writing", path, EINVAL)
                }
                FileOps.startWriteback(fd, offset: offset, length: buffer.count)
            }
            written(after)
            return buffer
        }
        (lastHash, lastWrite) = (hash, write)
        inFlight.append((hash, write))
    }

    /// An empty buffer: a new one while fewer than ``depth`` buffers are in flight, else the
    /// oldest one, once it is hashed and written.
    mutating func freeBuffer(capacity: Int) async throws -> AlignedBuffer {
        guard inFlight.count >= Self.depth else { return AlignedBuffer(capacity: capacity) }
        let oldest = inFlight.removeFirst()
        _ = try await oldest.hash.value
        let buffer = try await oldest.write.value
        buffer.clear()
        return buffer
    }

    /// Waits for every hash and write; the hash of the whole file. Throws the first failure.
    mutating func finish() async throws -> SHA256 {
        while !inFlight.isEmpty {
            let oldest = inFlight.removeFirst()
            _ = try await oldest.write.value
        }
        return try await lastHash.value
    }

    /// Waits for every write after a failure elsewhere; whether they all succeeded (the file then
    /// holds everything submitted).
    mutating func settle() async -> Bool {
        defer { inFlight.removeAll() }
        for entry in inFlight {
            do { _ = try await entry.write.value } catch { return false }
        }
        return true
    }
}
