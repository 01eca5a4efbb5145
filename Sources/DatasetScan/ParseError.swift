/// Input that does not follow its format, at a byte offset from the start of the file.
///
/// Thrown by the pure counters; ``DatasetScanner`` wraps it in a ``ScanError`` of kind
/// ``ScanError/Kind/parseError``.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset, in bytes from the start of the input, of the record or field at fault.
    public var offset: Int
    /// What is wrong, without the offset.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) at byte offset \(offset)" }
}
