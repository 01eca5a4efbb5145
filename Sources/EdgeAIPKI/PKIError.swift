/// An error from the EdgeAIPKI module: a category (`code`) and a message naming the field,
/// file or line at fault.
///
/// The set of codes is closed inside the module but may grow: match on `code`, never on `message`.
public struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of a ``PKIError``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case invalidPEM, invalidKey, invalidHost, invalidName, invalidTokenFile
            case invalidSecret, missingFile, fileSystem, certificate
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A PEM document could not be parsed or has the wrong type.
        public static let invalidPEM = Code(.invalidPEM)
        /// A private key does not match its certificate or is not supported.
        public static let invalidKey = Code(.invalidKey)
        /// A host name or IP address cannot be put in a certificate.
        public static let invalidHost = Code(.invalidHost)
        /// A user, group or node name is not acceptable.
        public static let invalidName = Code(.invalidName)
        /// The static token file is malformed.
        public static let invalidTokenFile = Code(.invalidTokenFile)
        /// The cluster secret is malformed.
        public static let invalidSecret = Code(.invalidSecret)
        /// A file that must exist (e.g. `ca.key` beside `ca.crt`) is missing.
        public static let missingFile = Code(.missingFile)
        /// A file system operation failed.
        public static let fileSystem = Code(.fileSystem)
        /// A certificate could not be built or serialised.
        public static let certificate = Code(.certificate)

        public var description: String { kind.rawValue }
    }

    /// The category of the failure.
    public let code: Code
    /// A human-readable message naming what was wrong and where.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
