/// Counts the samples of a dataset file or directory, incrementally when given the previous
/// result.
///
/// Reads with `pread` into one buffer of ``bufferSize`` bytes allocated per scan (no `mmap`:
/// a file truncated while mapped would raise SIGBUS in the agent), so memory is
/// constant whatever the file size; the counting itself is the pure ``SampleCounter`` core.
/// A file that only grew since `previous` (same device and inode, not smaller, identical
/// first and last ``windowSize`` bytes of the old content) is read from its old end only; any
/// other change — replaced, truncated, rewritten at the same size — is rescanned fully.
/// Exactness invariant: an incremental result always equals a full scan of the same bytes.
/// - Important: A rewrite that keeps the inode, does not shrink the file and leaves both
///   windows of the old content intact is indistinguishable from an append without reading
///   everything; writers of datasets append or replace (write-temp-then-rename).
/// Stateless and `Sendable`: scans of different files may run concurrently.
public struct DatasetScanner: Sendable {
    public struct Options: Sendable, Equatable {
        /// Validate every `jsonl` line as JSON (slower); off by default.
        public var validateJSON: Bool
        /// Follow symbolic links in the path (the default, for people counting a file). The edge
        /// agent turns it off: it opens the path its locator resolved and checked, and a link
        /// that appears there afterwards is a ``ScanError/Kind/symbolicLink`` error, not followed.
        public var followSymlinks: Bool
        public init(validateJSON: Bool = false, followSymlinks: Bool = true) {
            self.validateJSON = validateJSON
            self.followSymlinks = followSymlinks
        }
    }

    public static let windowSize = 4096
    public var options: Options
    /// Size of the read buffer. 256 KiB stays in L2 cache between `pread` and counting, which
    /// measured faster than 1 MiB buffers or `mmap` windows (see BENCHMARKS-scan.md).
    public var bufferSize: Int

    public init(options: Options = Options(), bufferSize: Int = 256 << 10) {
        self.options = options
        self.bufferSize = max(bufferSize, Self.windowSize)
    }

    /// Counts `path` as `format`, reusing `previous` when it describes an earlier version of
    /// the same file in the same format. `progress` hears about long file scans as they go.
    /// - Throws: ``ScanError`` (not found, permission denied, wrong file type, parse error).
    public func scan(
        path: String, format: DatasetFormat, previous: ScanResult? = nil, progress: ScanProgress? = nil
    ) throws(ScanError) -> ScanResult {
        if format == .dir { return try scanDirectory(path: path, progress: progress) }
        let file = try OpenFile(path: path, followSymlinks: options.followSymlinks)
        let status = try file.status()
        guard status.isRegularFile else {
            throw ScanError(kind: .notARegularFile, path: path, message: "not a regular file (format \(format.rawValue))")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
        defer { buffer.deallocate() }

        if let previous,
            let resumed = try resume(previous, file: file, status: status, format: format, buffer: buffer, progress: progress)
        {
            return resumed
        }
        file.adviseSequential()
        let pass = Pass(status: status, format: format, start: 0, mode: .full, buffer: buffer, progress: progress)
        switch makeCounter(format) {
        case .lines(var c): return try run(&c, wrap: CounterState.lines, file, pass)
        case .jsonLines(var c): return try run(&c, wrap: CounterState.jsonLines, file, pass)
        case .csv(var c): return try run(&c, wrap: CounterState.csv, file, pass)
        case .tfrecord(var c): return try run(&c, wrap: CounterState.tfrecord, file, pass)
        }
    }

    /// The fresh counter for a format under these options.
    func makeCounter(_ format: DatasetFormat) -> CounterState {
        switch format {
        case .txt, .dir: .lines(LineCounter(blank: .carriageReturn))
        case .jsonl: options.validateJSON ? .jsonLines(JSONLinesCounter()) : .lines(LineCounter(blank: .jsonWhitespace))
        case .csv: .csv(CSVCounter())
        case .tfrecord: .tfrecord(TFRecordCounter())
        }
    }

    /// Continues from `previous` when the file only grew; nil when a full scan is needed.
    private func resume(
        _ previous: ScanResult, file: borrowing OpenFile, status: OpenFile.Status, format: DatasetFormat,
        buffer: UnsafeMutableRawBufferPointer, progress: ScanProgress?
    ) throws(ScanError) -> ScanResult? {
        guard previous.format == format, let state = previous.state,
            previous.identity.device == status.identity.device, previous.identity.inode == status.identity.inode,
            status.size >= previous.sizeBytes,
            Self.sameKind(state, makeCounter(format))
        else { return nil }
        let oldSize = previous.sizeBytes
        let window = min(oldSize, Self.windowSize)
        guard try file.checksum(of: 0..<window, scratch: buffer) == previous.headChecksum,
            try file.checksum(of: (oldSize - window)..<oldSize, scratch: buffer) == previous.tailChecksum
        else { return nil }
        if status.size == oldSize {
            guard status.identity.modificationTime == previous.identity.modificationTime else { return nil }
            var unchanged = previous
            unchanged.mode = .unchanged
            unchanged.bytesScanned = 0
            return unchanged
        }
        let pass = Pass(status: status, format: format, start: oldSize, mode: .incremental, buffer: buffer, progress: progress)
        switch state {
        case .lines(var c): return try run(&c, wrap: CounterState.lines, file, pass)
        case .jsonLines(var c): return try run(&c, wrap: CounterState.jsonLines, file, pass)
        case .csv(var c): return try run(&c, wrap: CounterState.csv, file, pass)
        case .tfrecord(var c): return try run(&c, wrap: CounterState.tfrecord, file, pass)
        }
    }

    static func sameKind(_ a: CounterState, _ b: CounterState) -> Bool {
        switch (a, b) {
        case let (.lines(x), .lines(y)): x.blank == y.blank
        case (.jsonLines, .jsonLines), (.csv, .csv), (.tfrecord, .tfrecord): true
        default: false
        }
    }

    /// One pass over a file: where it starts, and what it reads with.
    private struct Pass {
        let status: OpenFile.Status
        let format: DatasetFormat
        let start: Int
        let mode: ScanMode
        let buffer: UnsafeMutableRawBufferPointer
        let progress: ScanProgress?
    }

    /// Feeds the file from `pass.start` to its end into `counter` and builds the result.
    private func run<C: SampleCounter>(
        _ counter: inout C, wrap: (C) -> CounterState, _ file: borrowing OpenFile, _ pass: Pass
    ) throws(ScanError) -> ScanResult {
        let (status, format, start, mode, buffer) = (pass.status, pass.format, pass.start, pass.mode, pass.buffer)
        var offset = start
        var nextReport = pass.progress.map { start + $0.interval } ?? Int.max
        while true {
            let n = try file.read(into: buffer, at: offset)
            if n == 0 { break }
            do {
                try counter.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            } catch {
                throw ScanError(parse: error, path: file.path)
            }
            offset += n
            if offset >= nextReport, let progress = pass.progress {
                progress.report(offset - start, max(status.size, offset) - start)
                nextReport = offset + progress.interval
            }
        }
        let samples: Int
        do { samples = try counter.finish() } catch { throw ScanError(parse: error, path: file.path) }
        let window = min(offset, Self.windowSize)
        let head = try file.checksum(of: 0..<window, scratch: buffer) ?? 0
        let tail = try file.checksum(of: (offset - window)..<offset, scratch: buffer) ?? 0
        var identity = status.identity
        if offset != status.size, let latest = try? file.status() { identity = latest.identity }
        return ScanResult(
            format: format, numberOfSamples: samples, sizeBytes: offset, identity: identity,
            headChecksum: head, tailChecksum: tail, state: wrap(counter), mode: mode,
            bytesScanned: offset - start)
    }
}
