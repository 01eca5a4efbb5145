/// Counts the non-blank lines of a `txt` or `jsonl` input.
///
/// A line ends at `\n` or at the end of the input (a last line without a newline counts).
/// A line is blank, and is not a sample, when it holds only `\r` bytes (``Blank/carriageReturn``,
/// the `txt` rule) or only JSON whitespace — space, tab, `\r` (``Blank/jsonWhitespace``, the
/// `jsonl` rule). There is no line-length limit and memory use is constant.
/// It does not validate JSON: see ``JSONLinesCounter`` for that.
public struct LineCounter: SampleCounter {
    /// Which bytes leave a line blank.
    public enum Blank: String, Sendable, Codable {
        /// Only `\r` (txt).
        case carriageReturn
        /// Space, tab and `\r` (jsonl).
        case jsonWhitespace
    }

    public let blank: Blank
    public private(set) var bytesConsumed = 0
    /// Non-blank lines already terminated by `\n`.
    public private(set) var completedSamples = 0
    /// Whether the line open at the current end already holds a non-blank byte.
    public private(set) var openLineHasContent = false

    public init(blank: Blank) {
        self.blank = blank
    }

    public mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        switch blank {
        case .carriageReturn: run(base, bytes.count, jsonWhitespace: false)
        case .jsonWhitespace: run(base, bytes.count, jsonWhitespace: true)
        }
        bytesConsumed += bytes.count
    }

    public func finish() -> Int {
        completedSamples + (openLineHasContent ? 1 : 0)
    }

    @inline(__always)
    private mutating func run(_ base: UnsafeRawPointer, _ count: Int, jsonWhitespace: Bool) {
        var carry: UInt64 = openLineHasContent ? 1 : 0
        var samples = 0
        var offset = 0
        #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
        if count >= 65 {
            // The first block runs on the portable path so every later block has a byte before it.
            offset = Self.portableBlocks(base, start: 0, end: 64, jsonWhitespace: jsonWhitespace, samples: &samples, carry: &carry)
            offset = Self.sse2Blocks(
                base, start: offset, count: count, jsonWhitespace: jsonWhitespace, samples: &samples, carry: &carry)
        }
        #else
        offset = Self.portableBlocks(base, start: 0, end: count, jsonWhitespace: jsonWhitespace, samples: &samples, carry: &carry)
        #endif
        var hasContent = carry != 0
        while offset < count {
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            if byte == 0x0A {
                if hasContent { samples &+= 1 }
                hasContent = false
            } else if !(byte == 0x0D || (jsonWhitespace && (byte == 0x20 || byte == 0x09))) {
                hasContent = true
            }
            offset += 1
        }
        openLineHasContent = hasContent
        completedSamples &+= samples
    }

    /// Whole 64-byte blocks in `start..<end`, with the exact carry chain; returns where they end.
    @inline(__always)
    static func portableBlocks(
        _ base: UnsafeRawPointer, start: Int, end: Int, jsonWhitespace: Bool, samples: inout Int, carry: inout UInt64
    ) -> Int {
        var offset = start
        while end - offset >= 64 {
            let block = ByteBlock(base + offset)
            var transparent = block.mask(of: 0x0D)
            if jsonWhitespace { transparent |= block.mask(of: 0x20) | block.mask(of: 0x09) }
            samples &+= countContentfulEnds(ends: block.mask(of: 0x0A), transparent: transparent, carry: &carry)
            offset += 64
        }
        return offset
    }
}
