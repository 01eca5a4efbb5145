import Crypto

/// Maps bearer tokens to users, like kube-apiserver's static token authenticator.
///
/// A value type with no I/O: load the file text with ``init(tokenFile:)``, persist with
/// ``tokenFile``. Lookups compare the SHA-256 digest of the presented token against every entry
/// with a constant-time comparison and no early exit, so timing reveals neither which entry
/// matched nor how much of a token was right.
package struct TokenAuthenticator: Sendable {
    /// The entries in file order.
    package private(set) var entries: [TokenEntry]
    private var digests: [[UInt8]]

    /// An authenticator over `entries`; throws on empty or duplicate tokens.
    package init(entries: [TokenEntry] = []) throws {
        self.entries = []
        self.digests = []
        var seen = Set<String>()
        for entry in entries {
            guard !entry.token.isEmpty else { throw PKIError(.invalidTokenFile, "empty token for user \"\(entry.user.name)\"") }
            guard seen.insert(entry.token).inserted else {
                throw PKIError(.invalidTokenFile, "duplicate token for user \"\(entry.user.name)\"")
            }
            append(entry)
        }
    }

    /// Parses Kubernetes static token file text (see ``TokenFile``).
    package init(tokenFile text: String) throws {
        try self.init(entries: TokenFile.parse(text))
    }

    /// The entries rendered in the static token file format.
    package var tokenFile: String { TokenFile.render(entries) }

    /// The user a bearer token authenticates as, or nil for an unknown or empty token.
    package func authenticate(bearerToken token: String) -> UserInfo? {
        guard !token.isEmpty else { return nil }
        let presented = Array(SHA256.hash(data: Array(token.utf8)))
        var match: Int = -1
        for (index, digest) in digests.enumerated() {
            let equal = ConstantTime.equal(digest, presented)
            // Branch-free select keeps the loop's timing independent of which entry matched.
            let mask = equal ? -1 : 0
            match = (index & mask) | (match & ~mask)
        }
        return match >= 0 ? entries[match].user : nil
    }

    /// The user an `Authorization` header value (`Bearer <token>`) authenticates as.
    /// The scheme is case-insensitive, as in Kubernetes; spaces and tabs around the token are
    /// ignored. Parsed over the bytes: this runs on every request.
    package func authenticate(authorizationHeader value: String) -> UserInfo? {
        let bytes = Array(value.utf8)
        let space = UInt8(ascii: " ")
        func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == UInt8(ascii: "\t") }
        var start = 0
        while start < bytes.count, bytes[start] == space { start += 1 }
        var schemeEnd = start
        while schemeEnd < bytes.count, bytes[schemeEnd] != space { schemeEnd += 1 }
        // ASCII case folding: only 'b'/'B', 'e'/'E', … satisfy `byte | 0x20 == letter`.
        guard bytes[start..<schemeEnd].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        var tokenStart = schemeEnd
        var tokenEnd = bytes.count
        while tokenStart < tokenEnd, isBlank(bytes[tokenStart]) { tokenStart += 1 }
        while tokenEnd > tokenStart, isBlank(bytes[tokenEnd - 1]) { tokenEnd -= 1 }
        return authenticate(bearerToken: String(decoding: bytes[tokenStart..<tokenEnd], as: UTF8.self))
    }

    /// Adds a new random token (32 bytes, base64url, unpadded) for `user` and returns it.
    /// `uid` defaults to the user name. Throws on names the file format cannot carry.
    @discardableResult
    package mutating func addToken(user: String, uid: String? = nil, groups: [String] = []) throws -> String {
        let uid = uid ?? user
        try UserInfo.validate(name: user, uid: uid, groups: groups)
        let token = Self.generateToken()
        append(TokenEntry(token: token, user: UserInfo(name: user, uid: uid, groups: groups)))
        return token
    }

    /// The token of the first entry for `user` with exactly these groups, if any.
    package func token(forUser user: String, groups: [String]? = nil) -> String? {
        entries.first { $0.user.name == user && (groups == nil || $0.user.groups == groups) }?.token
    }

    /// Removes every token of `user`; returns how many were removed.
    @discardableResult
    package mutating func removeTokens(ofUser user: String) -> Int {
        let before = entries.count
        let kept = entries.filter { $0.user.name != user }
        entries = []
        digests = []
        kept.forEach { append($0) }
        return before - kept.count
    }

    /// A new random bearer token: 32 bytes from the system CSPRNG, base64url without padding.
    package static func generateToken() -> String {
        Base64URL.encode(SecureRandom.bytes(32))
    }

    private mutating func append(_ entry: TokenEntry) {
        entries.append(entry)
        digests.append(Array(SHA256.hash(data: Array(entry.token.utf8))))
    }
}
