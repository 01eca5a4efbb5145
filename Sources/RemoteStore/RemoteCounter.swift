package import DatasetScan
import NIOCore

/// Counts the samples of a remote dataset without copying it: a `txt`/`csv`/`jsonl`/`tfrecord`
/// index is streamed once through DatasetScan's pure counters (memory: one network chunk), and a
/// `dir` dataset on an `s3://` prefix is counted by paginated ListObjectsV2.
///
/// With the validators of an earlier count it asks conditionally (`If-None-Match` /
/// `If-Modified-Since`) and answers ``Outcome/unchanged`` on a 304 without reading anything.
/// `dir` counts objects whose key does not end in `/` (folder markers are not samples).
package struct RemoteCounter: Sendable {
    /// An earlier count's validators.
    package struct Validators: Sendable, Equatable {
        package var etag: String?
        package var lastModified: String?
        package init(etag: String? = nil, lastModified: String? = nil) {
            self.etag = etag
            self.lastModified = lastModified
        }
    }

    package struct Count: Sendable, Equatable {
        package var samples: Int
        /// Bytes read (index formats) or listed object bytes (`dir`).
        package var bytes: Int64
        package var validators: Validators
    }

    package enum Outcome: Sendable, Equatable {
        case counted(Count)
        /// A 304: the object still has the validators given.
        case unchanged
    }

    /// The most listing pages followed for one `dir` count (10 million objects at 1000 a page).
    package static let maximumPages = 10_000

    package let client: RemoteClient
    /// Keys asked for per listing page (S3's maximum is 1000).
    package let pageSize: Int
    package init(client: RemoteClient, pageSize: Int = 1000) {
        self.client = client
        self.pageSize = min(max(pageSize, 1), 1000)
    }

    /// - Throws: ``RemoteError``, or `.malformedResponse` wrapping the first parse error.
    package func count(_ source: RemoteSource, format: DatasetFormat, previous: Validators? = nil, validateJSON: Bool = false)
        async throws -> Outcome
    {
        if format == .dir { return .counted(try await countPrefix(source)) }
        let conditions = GetConditions(ifNoneMatch: previous?.etag, ifModifiedSince: previous?.etag == nil ? previous?.lastModified : nil)
        let response = try await client.get(source, conditions: conditions)
        if response.status == .notModified { return .unchanged }
        var counter = AnyCounter(format, validateJSON: validateJSON)
        var bytes: Int64 = 0
        try await response.forEachChunk { chunk in
            bytes += Int64(chunk.readableBytes)
            try chunk.withUnsafeReadableBytes { buffer throws(RemoteError) in
                do { try counter.consume(buffer) } catch {
                    throw RemoteError(.malformedResponse, "\(source): not valid \(format.rawValue): \(error)")
                }
            }
        }
        let samples: Int
        do { samples = try counter.finish() } catch {
            throw RemoteError(.malformedResponse, "\(source): not valid \(format.rawValue): \(error)")
        }
        return .counted(Count(samples: samples, bytes: bytes,
            validators: Validators(etag: response.info.etag, lastModified: response.info.lastModified)))
    }

    /// Counts the objects under an `s3://bucket/prefix`, page by page.
    package func countPrefix(_ source: RemoteSource) async throws -> Count {
        guard case .s3 = source.location else {
            throw RemoteError(.invalidLocation, "\(source): a dir dataset must be an s3:// prefix")
        }
        var token: String?
        var samples = 0
        var bytes: Int64 = 0
        for _ in 0..<Self.maximumPages {
            let page = try await client.list(source, continuationToken: token, maxKeys: pageSize)
            for object in page.objects where !object.key.hasSuffix("/") {
                samples += 1
                bytes += object.size
            }
            guard page.isTruncated, let next = page.nextContinuationToken else {
                return Count(samples: samples, bytes: bytes, validators: Validators())
            }
            token = next
        }
        throw RemoteError(.tooLarge, "\(source): more than \(Self.maximumPages) listing pages")
    }
}

/// One of DatasetScan's counters, chosen by format (the same choice DatasetScanner makes).
enum AnyCounter {
    case lines(LineCounter)
    case jsonLines(JSONLinesCounter)
    case csv(CSVCounter)
    case tfrecord(TFRecordCounter)

    init(_ format: DatasetFormat, validateJSON: Bool) {
        switch format {
        case .txt, .dir: self = .lines(LineCounter(blank: .carriageReturn))
        case .jsonl: self = validateJSON ? .jsonLines(JSONLinesCounter()) : .lines(LineCounter(blank: .jsonWhitespace))
        case .csv: self = .csv(CSVCounter())
        case .tfrecord: self = .tfrecord(TFRecordCounter())
        }
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ParseError) {
        switch self {
        case .lines(var c): c.consume(bytes); self = .lines(c)
        case .jsonLines(var c): try c.consume(bytes); self = .jsonLines(c)
        case .csv(var c): c.consume(bytes); self = .csv(c)
        case .tfrecord(var c): try c.consume(bytes); self = .tfrecord(c)
        }
    }

    func finish() throws(ParseError) -> Int {
        switch self {
        case .lines(let c): c.finish()
        case .jsonLines(let c): try c.finish()
        case .csv(let c): try c.finish()
        case .tfrecord(let c): try c.finish()
        }
    }
}
