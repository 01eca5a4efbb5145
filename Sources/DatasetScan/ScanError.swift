#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a dataset could not be counted: a kind the edge agent maps to a condition reason,
/// the path, and a one-line message that names the path (and the offset for parse errors).
public struct ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case notFound
        case permissionDenied
        case notARegularFile
        case notADirectory
        /// The content does not follow the format, at this byte offset.
        case parseError(offset: Int)
        /// A format name or file type this library does not count.
        case unsupported
        /// A component of the path is a symbolic link, and the scan was asked not to follow any
        /// (``DatasetScanner/Options/followSymlinks``).
        case symbolicLink
        /// Any other system error, with its errno.
        case io(errno: Int32)
    }

    public var kind: Kind
    public var path: String
    public var message: String

    public init(kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// The Kubernetes condition reason for this error: `NotFound`, `PermissionDenied`,
    /// `NotAllowed`, `ParseError`, `UnsupportedFormat` or `IOError`.
    public var reason: String {
        switch kind {
        case .notFound: "NotFound"
        case .permissionDenied: "PermissionDenied"
        case .symbolicLink: "NotAllowed"
        case .notARegularFile, .notADirectory, .unsupported: "UnsupportedFormat"
        case .parseError: "ParseError"
        case .io: "IOError"
        }
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    init(parse error: ParseError, path: String) {
        self.init(kind: .parseError(offset: error.offset), path: path, message: error.description)
    }

    /// Translates a failed system call's errno.
    init(errno code: Int32, path: String, operation: String) {
        let text = String(cString: strerror(code))
        switch code {
        case ENOENT:
            self.init(kind: .notFound, path: path, message: "not found")
        case EACCES, EPERM:
            self.init(kind: .permissionDenied, path: path, message: "permission denied (\(operation))")
        case ELOOP:
            self.init(kind: .symbolicLink, path: path, message: "a path component is a symbolic link, not followed (\(operation))")
        case ENOTDIR:
            self.init(kind: .notFound, path: path, message: "not found (a path component is not a directory)")
        default:
            self.init(kind: .io(errno: code), path: path, message: "\(operation) failed: \(text)")
        }
    }
}

extension DatasetFormat {
    /// Parses a format name (`txt`, `csv`, `jsonl`, `tfrecord`, `dir`), or throws an
    /// ``ScanError/Kind/unsupported`` error listing the supported names.
    public static func parse(_ name: String) throws(ScanError) -> DatasetFormat {
        guard let format = DatasetFormat(rawValue: name) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            throw ScanError(
                kind: .unsupported, path: "",
                message: "unsupported format \"\(name)\" (supported: \(names))")
        }
        return format
    }
}
