import Crypto
import Logging
import NIOCore
package import NIOPosix

/// Verified, resumable download of one object into a file.
///
/// Streams into `<destination>.partial`, hashing (SHA-256) in the same pass; checks an optional
/// expected digest; fsyncs and renames atomically onto `destination`. A download cut by a
/// dropped connection, a stall, cancellation or a crash leaves the `.partial` file and its
/// `.meta` (validator, size); the next call resumes with `Range: bytes=N-` + `If-Range`, re-hashing
/// the N bytes already on disk (a local read), and restarts from 0 when the object changed.
/// It refuses early (before any byte is fetched) when the cache file system has less room than
/// the rest of the object plus ``Configuration/reserveBytes``. A digest mismatch deletes the
/// file and throws ``RemoteError/Code/digestMismatch``.
///
/// All file-system calls run on a `NIOThreadPool`. Chunks are gathered into page-aligned buffers,
/// hashed and written (O_DIRECT where the file system allows) by a ``HashingWriter`` while the
/// next buffer fills; the final fsync is the durability point. Memory: up to
/// ``HashingWriter/depth`` + 1 ``Configuration/bufferBytes`` buffers, reused.
/// It does not retry; the caller decides when to call again (a resume).
package struct Downloader: Sendable {
    package struct Configuration: Sendable {
        /// Free space left untouched on the cache file system.
        package var reserveBytes: Int64
        /// Bytes gathered before one write (and one progress report); at least 4 KiB.
        package var bufferBytes: Int
        /// The largest object accepted.
        package var maximumBytes: Int64
        package init(reserveBytes: Int64 = 64 << 20, bufferBytes: Int = 2 << 20, maximumBytes: Int64 = 1 << 40) {
            self.reserveBytes = reserveBytes
            self.bufferBytes = bufferBytes
            self.maximumBytes = maximumBytes
        }
    }

    /// Bytes in `destination` so far, and the object's size when known.
    package struct Progress: Sendable, Equatable {
        package var bytesDone: Int64
        package var totalBytes: Int64?
    }

    package struct Result: Sendable, Equatable {
        package var path: String
        package var size: Int64
        package var digest: ContentDigest
        package var info: ObjectInfo
        /// Where this call's transfer started (0 unless it resumed).
        package var resumedFrom: Int64
    }

    package let client: RemoteClient
    package let configuration: Configuration
    let pool: NIOThreadPool

    package init(client: RemoteClient, configuration: Configuration = Configuration(), threadPool: NIOThreadPool = .singleton) {
        self.client = client
        self.configuration = configuration
        self.pool = threadPool
    }

    /// Downloads `source` to `destination` (the directory must exist).
    /// - Throws: ``RemoteError``; `CancellationError` when cancelled (the partial file stays).
    package func download(
        _ source: RemoteSource, to destination: String, expecting digest: ContentDigest? = nil,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Result {
        let partialPath = destination + ".partial"
        let metaPath = destination + ".partial.meta"
        let url = source.location.description
        // What a previous attempt left.
        let previous: (meta: PartialDownload, size: Int64)? = try await pool.runIfActive {
            guard let size = FileOps.size(partialPath), size > 0,
                let bytes = FileOps.readSmall(metaPath, limit: PartialDownload.maximumBytes),
                let meta = PartialDownload(decoding: bytes), meta.url == url
            else { return nil }
            return (meta, size)
        }
        var hash = SHA256()
        var offset: Int64 = 0
        var conditions = GetConditions()
        if let previous {
            let hashed: (SHA256, Int64) = try await pool.runIfActive {
                var h = SHA256()
                let n = try FileOps.readChunks(partialPath) { h.update(bufferPointer: $0) }
                return (h, n)
            }
            (hash, offset) = hashed
            conditions = GetConditions(rangeStart: offset, ifRange: previous.meta.validator)
        }
        let response: RemoteClient.Response
        do {
            response = try await client.get(source, conditions: conditions)
        } catch let error as RemoteError where error.status == 416 && offset > 0 {
            // The partial file is as long as the object, or longer: start over.
            offset = 0
            hash = SHA256()
            response = try await client.get(source)
        }
        if case .whole = response.status {
            // No range asked for, or If-Range saw a changed object: from the start.
            offset = 0
            hash = SHA256()
        }
        let total = response.info.size
        if let total {
            guard total <= configuration.maximumBytes else {
                throw RemoteError(.tooLarge, "\(source): object is \(total) bytes, above the limit of \(configuration.maximumBytes)")
            }
            try await checkSpace(directory: FileOps.directory(of: destination), needed: total - offset)
        }
        let meta = response.info.validator.map { PartialDownload(validator: $0, total: total, url: url) }
        let resumeFrom = offset
        let (fd, direct): (Int32, Int32?) = try await pool.runIfActive {
            if let meta { try FileOps.writeSmallAtomically(metaPath, meta.encoded()) } else { FileOps.remove(metaPath) }
            let fd = try FileOps.openForAppend(partialPath, truncate: resumeFrom == 0)
            return (fd, FileOps.openDirect(partialPath))
        }
        progress(Progress(bytesDone: offset, totalBytes: total))
        do {
            do {
                offset = try await stream(response, into: fd, direct: direct, path: partialPath, from: offset, total: total,
                    hash: &hash, progress: progress)
            } catch {
                try? await pool.runIfActive { FileOps.close(fd, direct) }
                throw error
            }
            try await pool.runIfActive {
                FileOps.close(direct)
                try FileOps.fsyncAndClose(fd, path: partialPath)
            }
        } catch {
            if meta == nil { try? await pool.runIfActive { FileOps.remove(partialPath) } }
            throw error
        }
        if let total, offset != total {
            try? await pool.runIfActive { FileOps.remove(partialPath); FileOps.remove(metaPath) }
            throw RemoteError(.malformedResponse, "\(source): got \(offset) bytes of \(total)")
        }
        let actual = ContentDigest(hex: SigV4Signer.hex(hash.finalize()))
        if let digest, digest != actual {
            try? await pool.runIfActive { FileOps.remove(partialPath); FileOps.remove(metaPath) }
            throw RemoteError(.digestMismatch, "\(source): content has digest \(actual), expected \(digest); the download was deleted")
        }
        try await pool.runIfActive {
            try FileOps.renameDurably(partialPath, destination)
            FileOps.remove(metaPath)
        }
        return Result(path: destination, size: offset, digest: actual, info: response.info, resumedFrom: resumeFrom)
    }

    /// - Throws: ``RemoteError/Code/insufficientSpace`` naming the sizes.
    func checkSpace(directory: String, needed: Int64) async throws {
        let available = try await pool.runIfActive { try FileOps.availableBytes(directory) }
        if let error = Self.spaceError(directory: directory, needed: needed, available: available, reserve: configuration.reserveBytes) {
            throw error
        }
    }

    /// The refusal when `needed` bytes plus `reserve` do not fit in `available` (pure).
    static func spaceError(directory: String, needed: Int64, available: Int64, reserve: Int64) -> RemoteError? {
        guard needed + reserve > available else { return nil }
        func mib(_ v: Int64) -> String { "\((v + (1 << 20) - 1) >> 20) MiB" }
        return RemoteError(.insufficientSpace,
            "\(directory) has \(mib(available)) free; the download needs \(mib(needed)) more plus a reserve of \(mib(reserve))")
    }

    /// Streams the body to `fd`: chunks are gathered into page-aligned buffers that a
    /// ``HashingWriter`` hashes and writes while the next fills, so the reads never wait for
    /// SHA-256 or the device. Returns the new size.
    private func stream(_ response: RemoteClient.Response, into fd: Int32, direct: Int32?, path: String, from start: Int64,
        total: Int64?, hash: inout SHA256, progress: @escaping @Sendable (Progress) -> Void) async throws -> Int64
    {
        let alignment = AlignedBuffer.alignment
        let capacity = max(alignment, configuration.bufferBytes / alignment * alignment)
        let maximum = configuration.maximumBytes
        var writer = HashingWriter(fd: fd, direct: direct, path: path, end: start, hash: hash, pool: pool) { end in
            progress(Progress(bytesDone: end, totalBytes: total))
        }
        var buffer = AlignedBuffer(capacity: capacity)
        // A resumed file can end inside a block: the first buffer stops at the next boundary, so
        // every later write starts aligned.
        var fill = capacity - Int(start % Int64(alignment))
        var received = start
        do {
            try await response.forEachChunk { chunk in
                received += Int64(chunk.readableBytes)
                guard received <= maximum, total.map({ received <= $0 }) ?? true else {
                    throw RemoteError(.tooLarge, "\(response.source): more bytes than announced")
                }
                var chunk = chunk
                while chunk.readableBytes > 0 {
                    let piece = chunk.readSlice(length: min(chunk.readableBytes, fill - buffer.count)) ?? ByteBuffer()
                    piece.withUnsafeReadableBytes { buffer.append($0) }
                    guard buffer.count == fill else { continue }
                    writer.submit(buffer)
                    buffer = try await writer.freeBuffer(capacity: capacity)
                    fill = capacity
                }
            }
        } catch {
            // Keep what arrived when it extends an intact prefix: the resume continues from it
            // (and hashes the kept file again).
            if await writer.settle(), buffer.count > 0 {
                let (rest, end) = (buffer, writer.end)
                _ = try? await pool.runIfActive { try FileOps.write(fd, rest.bytes, at: end, path: path) }
            }
            throw error
        }
        if buffer.count > 0 { writer.submit(buffer) }
        hash = try await writer.finish()
        return writer.end
    }
}
