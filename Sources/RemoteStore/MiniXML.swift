/// A small, bounded XML reader for S3's answers (ListObjectsV2 results and error bodies).
///
/// Chosen over FoundationXML (libxml2-backed `XMLParser`): that would make this module load
/// all of Foundation plus libxml2 for two flat documents, and its limits are libxml2's, not
/// ours. This reads elements, attributes (skipped), text, the five predefined entities and
/// numeric character references, comments, `<?…?>` and CDATA; not DTDs (refused) or
/// namespaces (prefixes kept in names). Bounds: ``maximumDepth`` nesting and
/// ``maximumElements`` elements; anything beyond, or malformed, is a
/// ``RemoteError/Code/malformedResponse``.
struct MiniXML {
    static let maximumDepth = 32
    static let maximumElements = 100_000

    /// One closed element: its path from the root (`ListBucketResult/Contents/Key`) and its
    /// direct text, entity-decoded.
    struct Element: Equatable {
        var path: String
        var text: String
    }

    /// Every element in closing order (children before their parent).
    static func parse(_ bytes: [UInt8]) throws(RemoteError) -> [Element] {
        var out: [Element] = []
        var stack: [(name: String, text: [UInt8])] = []
        var i = 0
        let n = bytes.count
        func fail(_ why: String) -> RemoteError { RemoteError(.malformedResponse, "XML answer: \(why) at byte \(i)") }
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            guard pattern.count <= n else { return nil }
            var j = start
            while j + pattern.count <= n {
                if bytes[j] == pattern[0] && Array(bytes[j..<(j + pattern.count)]) == pattern { return j }
                j += 1
            }
            return nil
        }
        while i < n {
            let b = bytes[i]
            if b != UInt8(ascii: "<") {
                let end = bytes[i...].firstIndex(of: UInt8(ascii: "<")) ?? n
                if !stack.isEmpty { stack[stack.count - 1].text += bytes[i..<end] }
                i = end
                continue
            }
            guard i + 1 < n else { throw fail("unterminated tag") }
            switch bytes[i + 1] {
            case UInt8(ascii: "?"):
                guard let end = find(Array("?>".utf8), from: i + 2) else { throw fail("unterminated <?") }
                i = end + 2
            case UInt8(ascii: "!"):
                if let end = find(Array("-->".utf8), from: i + 4), bytes[(i + 2)...].starts(with: Array("--".utf8)) {
                    i = end + 3
                } else if bytes[(i + 2)...].starts(with: Array("[CDATA[".utf8)) {
                    guard let end = find(Array("]]>".utf8), from: i + 9) else { throw fail("unterminated CDATA") }
                    if !stack.isEmpty { stack[stack.count - 1].text += bytes[(i + 9)..<end] }
                    i = end + 3
                } else {
                    throw fail("DTDs are not accepted")
                }
            case UInt8(ascii: "/"):
                guard let end = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { throw fail("unterminated end tag") }
                let name = String(decoding: bytes[(i + 2)..<end], as: UTF8.self).trimmingSpaces()
                guard let open = stack.popLast(), open.name == name else { throw fail("mismatched </\(name.prefix(32))>") }
                let path = (stack.map(\.name) + [name]).joined(separator: "/")
                out.append(Element(path: path, text: try decodeEntities(open.text, fail: fail)))
                i = end + 1
            default:
                guard let end = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { throw fail("unterminated tag") }
                let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
                let inner = bytes[(i + 1)..<(selfClosing ? end - 1 : end)]
                let nameEnd = inner.firstIndex { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ?? inner.endIndex
                let name = String(decoding: inner[..<nameEnd], as: UTF8.self)
                guard !name.isEmpty else { throw fail("empty tag name") }
                guard out.count + stack.count < maximumElements else { throw fail("more than \(maximumElements) elements") }
                if selfClosing {
                    out.append(Element(path: (stack.map(\.name) + [name]).joined(separator: "/"), text: ""))
                } else {
                    guard stack.count < maximumDepth else { throw fail("nested deeper than \(maximumDepth)") }
                    stack.append((name, []))
                }
                i = end + 1
            }
        }
        guard stack.isEmpty else { throw fail("unclosed <\(stack[stack.count - 1].name.prefix(32))>") }
        guard !out.isEmpty else { throw fail("no element") }
        return out
    }

    static func decodeEntities(_ text: [UInt8], fail: (String) -> RemoteError) throws(RemoteError) -> String {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            guard text[i] == UInt8(ascii: "&") else {
                out.append(text[i])
                i += 1
                continue
            }
            guard let semi = text[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("bad entity") }
            let name = String(decoding: text[(i + 1)..<semi], as: UTF8.self)
            switch name {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let value: UInt32? =
                    name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16)
                    : name.hasPrefix("#") ? UInt32(name.dropFirst(), radix: 10) : nil
                guard let value, let scalar = Unicode.Scalar(value) else { throw fail("unknown entity &\(name);") }
                out += Array(String(Character(scalar)).utf8)
            }
            i = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func trimmingSpaces() -> String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
