/// An error from the EdgeAIPKI module: a category (`code`) and a message naming the field,
/// file or line at fault.
///
/// The set of codes is closed inside the module but may grow: match on `code`, never on `message`.
package struct PKIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of a ``PKIError``.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case invalidPEM, invalidKey, invalidHost, invalidName, invalidTokenFile
            case invalidSecret, missingFile, fileSystem, certificate
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A PEM document could not be parsed or has the wrong type.
        package static let invalidPEM = Code(.invalidPEM)
        /// A private key does not match its certificate or is not supported.
        package static let invalidKey = Code(.invalidKey)
        /// A host name or IP address cannot be put in a certificate.
        package static let invalidHost = Code(.invalidHost)
        /// A user, group or node name is not acceptable.
        package static let invalidName = Code(.invalidName)
        /// The static token file is malformed.
        package static let invalidTokenFile = Code(.invalidTokenFile)
        /// The cluster secret is malformed.
        package static let invalidSecret = Code(.invalidSecret)
        /// A file that must exist (e.g. `ca.key` beside `ca.crt`) is missing.
        package static let missingFile = Code(.missingFile)
        /// A file system operation failed.
        package static let fileSystem = Code(.fileSystem)
        /// A certificate could not be built or serialised.
        package static let certificate = Code(.certificate)

        package var description: String { kind.rawValue }
    }

    /// The category of the failure.
    package let code: Code
    /// A human-readable message naming what was wrong and where.
    package let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}
