/// A pure, streaming sample counter for one format: bytes in, count and state out.
///
/// Feeding a file in any split of chunks gives the same state as feeding it at once
/// (the chunk-boundary invariant), so a counter's state saved after a scan resumes
/// exactly where it stopped when the file grows. Counters do no I/O and hold no global state.
public protocol SampleCounter: Sendable, Codable, Equatable {
    /// Bytes consumed so far.
    var bytesConsumed: Int { get }
    /// Feeds the next bytes of the input.
    /// - Throws: ``ParseError`` at the first malformed record; the counter must not be used after.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(ParseError)
    /// The number of samples if the input ended here. Does not change the state, so the
    /// counter can keep consuming afterwards.
    /// - Throws: ``ParseError`` when the input may not end here (an open quote, a truncated record).
    func finish() throws(ParseError) -> Int
}

extension SampleCounter {
    /// Feeds the bytes of a collection (convenience for tests and small inputs).
    public mutating func consume(_ bytes: some Sequence<UInt8>) throws(ParseError) {
        let array = Array(bytes)
        do {
            try array.withUnsafeBytes { buffer in try self.consume(buffer) }
        } catch let error as ParseError {
            throw error
        } catch {
            // `withUnsafeBytes` rethrows only what the closure throws: a ParseError.
            throw ParseError(offset: bytesConsumed, message: "\(error)")
        }
    }
}
