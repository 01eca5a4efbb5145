/// Splits a byte stream into newline-terminated lines as chunks arrive.
///
/// A line may span any number of chunks; only the unfinished tail is kept between chunks, so
/// memory is bounded by ``maximumLineLength`` plus one chunk. It does not decode anything.
/// A trailing `\r` before `\n` is dropped; empty lines are skipped.
package struct LineSplitter: Sendable {
    package struct LineTooLong: Error, Sendable, CustomStringConvertible, Equatable {
        public var limit: Int
        public var description: String { "watch line exceeds \(limit) bytes" }
    }

    package let maximumLineLength: Int
    private var pending: [UInt8] = []
    private var lines: [[UInt8]] = []
    private var nextIndex = 0

    package init(maximumLineLength: Int = 16 << 20) {
        precondition(maximumLineLength > 0, "maximumLineLength must be positive")
        self.maximumLineLength = maximumLineLength
    }

    /// Adds a chunk. Throws ``LineTooLong`` when the unfinished line grows past the limit.
    package mutating func append(_ chunk: some Collection<UInt8>) throws(LineTooLong) {
        if nextIndex == lines.count {
            lines.removeAll(keepingCapacity: true)
            nextIndex = 0
        }
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: 0x0A) {
            let piece = chunk[start..<newline]
            if pending.isEmpty {
                guard piece.count <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
                emit(Array(piece))
            } else {
                guard pending.count + piece.count <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
                pending.append(contentsOf: piece)
                emit(pending)
                pending.removeAll(keepingCapacity: true)
            }
            start = chunk.index(after: newline)
        }
        let rest = chunk[start...]
        guard pending.count + rest.count <= maximumLineLength else { throw LineTooLong(limit: maximumLineLength) }
        pending.append(contentsOf: rest)
    }

    /// The next complete line, or `nil` until more input arrives.
    package mutating func nextLine() -> [UInt8]? {
        guard nextIndex < lines.count else { return nil }
        defer { nextIndex += 1 }
        return lines[nextIndex]
    }

    /// The unterminated last line, once the stream has ended (`nil` if empty).
    package mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        var line = pending
        if line.last == 0x0D { line.removeLast() }
        return line.allSatisfy(Self.isSpace) ? nil : line
    }

    private mutating func emit(_ line: [UInt8]) {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        guard !line.allSatisfy(Self.isSpace) else { return }
        lines.append(line)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
}
