/// Which file a result describes: device and inode, plus the modification time that tells an
/// unchanged file from one rewritten in place.
public struct FileIdentity: Codable, Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    /// Modification time in nanoseconds since the epoch.
    public var modificationTime: Int64

    public init(device: UInt64, inode: UInt64, modificationTime: Int64) {
        self.device = device
        self.inode = inode
        self.modificationTime = modificationTime
    }
}

/// How a result was obtained.
public enum ScanMode: String, Codable, Sendable, Equatable {
    /// Every byte was read.
    case full
    /// Only the bytes appended since the previous result were read.
    case incremental
    /// Identity, size and modification time matched the previous result: nothing was read.
    case unchanged
}

/// The saved state of one format's counter, to resume an incremental scan.
public enum CounterState: Codable, Sendable, Equatable {
    case lines(LineCounter)
    case jsonLines(JSONLinesCounter)
    case csv(CSVCounter)
    case tfrecord(TFRecordCounter)
}

/// The outcome of a scan, and everything needed to continue it incrementally: persist it
/// (it is `Codable`) and pass it back as `previous`.
public struct ScanResult: Codable, Sendable, Equatable {
    public var format: DatasetFormat
    /// Samples in the file (records, lines, or regular files for `dir`).
    public var numberOfSamples: Int
    /// Bytes in the file (for `dir`, the total size of its regular files).
    public var sizeBytes: Int
    /// The scanned file or directory.
    public var identity: FileIdentity
    /// CRC-32C of the first `min(sizeBytes, windowSize)` bytes.
    public var headChecksum: UInt32
    /// CRC-32C of the last `min(sizeBytes, windowSize)` bytes.
    public var tailChecksum: UInt32
    /// The counter's state at `sizeBytes` (nil for `dir`).
    public var state: CounterState?
    public var mode: ScanMode
    /// Bytes read by this scan (all of them for a full scan, the appended ones otherwise).
    public var bytesScanned: Int

    public init(
        format: DatasetFormat, numberOfSamples: Int, sizeBytes: Int, identity: FileIdentity,
        headChecksum: UInt32, tailChecksum: UInt32, state: CounterState?, mode: ScanMode,
        bytesScanned: Int
    ) {
        self.format = format
        self.numberOfSamples = numberOfSamples
        self.sizeBytes = sizeBytes
        self.identity = identity
        self.headChecksum = headChecksum
        self.tailChecksum = tailChecksum
        self.state = state
        self.mode = mode
        self.bytesScanned = bytesScanned
    }
}
