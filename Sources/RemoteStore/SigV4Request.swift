/// What SigV4 signs of an HTTP request: method, decoded path and query, headers and the
/// payload hash. Header names may be in any case; duplicates are joined with `,` when signed.
package struct SigV4Request: Sendable, Equatable {
    package var method: String
    /// The decoded path, starting with `/` (`/my key` for the object `my key`).
    package var path: String
    /// Decoded query items in any order.
    package var query: [(name: String, value: String)]
    package var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body, or ``SigV4Signer/unsignedPayload``.
    package var payloadHash: String

    package init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], payloadHash: String = SigV4Signer.emptyPayloadHash
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The value of the first header named `name` (any case).
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    package static func == (a: SigV4Request, b: SigV4Request) -> Bool {
        a.method == b.method && a.path == b.path && a.payloadHash == b.payloadHash
            && a.query.map { [$0.name, $0.value] } == b.query.map { [$0.name, $0.value] }
            && a.headers.map { [$0.name, $0.value] } == b.headers.map { [$0.name, $0.value] }
    }
}
