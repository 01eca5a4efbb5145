/// One line of a Kubernetes static token file: `token,user,uid,"group1,group2"`.
package struct TokenEntry: Hashable, Sendable {
    package var token: String
    package var user: UserInfo

    package init(token: String, user: UserInfo) {
        self.token = token
        self.user = user
    }
}

/// Parses and renders the Kubernetes static token file format (`--token-auth-file`).
///
/// Pure: no I/O. Parsing follows kube-apiserver: CSV with RFC 4180 quoting, at least three
/// columns (token, user, uid), an optional fourth column of comma-separated groups; blank lines
/// are skipped. Unlike kube-apiserver (which warns and keeps the last), a duplicate or empty
/// token is an error, so a typo cannot silently change who a token authenticates as.
package enum TokenFile {
    /// Parses token file text; errors name the 1-based line.
    package static func parse(_ text: String) throws -> [TokenEntry] {
        var entries: [TokenEntry] = []
        var seen = Set<String>()
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on both.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = rawLine
            if line.hasSuffix("\r") { line.removeLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = try fieldsOf(line, lineNumber: lineNumber)
            guard fields.count >= 3 else {
                throw PKIError(
                    .invalidTokenFile,
                    "token file line \(lineNumber): expected at least 3 columns (token, user, uid), found \(fields.count)"
                )
            }
            guard !fields[0].isEmpty else {
                throw PKIError(.invalidTokenFile, "token file line \(lineNumber): empty token")
            }
            guard seen.insert(fields[0]).inserted else {
                throw PKIError(.invalidTokenFile, "token file line \(lineNumber): duplicate token for user \"\(fields[1])\"")
            }
            let groups = fields.count >= 4 ? fields[3].split(separator: ",").map(String.init) : []
            entries.append(TokenEntry(token: fields[0], user: UserInfo(name: fields[1], uid: fields[2], groups: groups)))
        }
        return entries
    }

    /// Renders entries, one per line, quoting fields that need it; `parse(render(x)) == x`
    /// for entries whose fields are valid (see ``TokenAuthenticator/addToken(user:uid:groups:)``).
    package static func render(_ entries: [TokenEntry]) -> String {
        entries.map { entry in
            var fields = [entry.token, entry.user.name, entry.user.uid]
            if !entry.user.groups.isEmpty { fields.append(entry.user.groups.joined(separator: ",")) }
            return fields.map(quote).joined(separator: ",") + "\n"
        }.joined()
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") else {
            return field
        }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }

    /// Splits one CSV record (RFC 4180; a quoted field may not span lines here).
    static func fieldsOf(_ line: Substring, lineNumber: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var index = line.startIndex
        var quoted = false
        var fieldStart = true
        while index < line.endIndex {
            let c = line[index]
            index = line.index(after: index)
            if quoted {
                if c == "\"" {
                    if index < line.endIndex, line[index] == "\"" {
                        field.append("\"")
                        index = line.index(after: index)
                    } else {
                        quoted = false
                        if index < line.endIndex, line[index] != "," {
                            throw PKIError(
                                .invalidTokenFile,
                                "token file line \(lineNumber), column \(fields.count + 1): unexpected character after closing quote"
                            )
                        }
                    }
                } else {
                    field.append(c)
                }
            } else if c == "," {
                fields.append(field)
                field = ""
                fieldStart = true
                continue
            } else if c == "\"", fieldStart {
                quoted = true
            } else if c == "\"" {
                throw PKIError(
                    .invalidTokenFile,
                    "token file line \(lineNumber), column \(fields.count + 1): bare quote in unquoted field"
                )
            } else {
                field.append(c)
            }
            fieldStart = false
        }
        guard !quoted else {
            throw PKIError(.invalidTokenFile, "token file line \(lineNumber), column \(fields.count + 1): unterminated quote")
        }
        fields.append(field)
        return fields
    }
}
