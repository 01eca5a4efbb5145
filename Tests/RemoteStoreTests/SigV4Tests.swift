import Foundation
import Testing

@testable import RemoteStore

/// AWS Signature V4 against AWS's published test-suite vectors (Fixtures/sigv4) and the S3
/// documentation's GET example.
struct SigV4Tests {
    static let suiteCredentials = try? S3Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let cases = [
        "get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value", "get-utf8", "get-space",
        "get-unreserved", "get-header-value-trim", "post-x-www-form-urlencoded", "post-sts-header-before",
    ]

    static func fixture(_ name: String) -> String? {
        guard let url = Bundle.module.url(forResource: "Fixtures/sigv4/\(name)", withExtension: nil) else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// Parses a suite `.req`: request line, `Name:value` headers, blank line, body.
    static func parseRequest(_ text: String) throws -> (SigV4Request, body: String) {
        let (head, body): (Substring, String) = {
            if let range = text.range(of: "\n\n") { return (text[..<range.lowerBound], String(text[range.upperBound...])) }
            return (Substring(text), "")
        }()
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = try #require(lines.first)
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count))
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(name: String, value: String)] = []
        if pathPart.count == 2 {
            for item in pathPart[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(kv[0]).removingPercentEncoding ?? "", kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? "") : ""))
            }
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        let hash = SigV4Signer.hex(SHA256Hash.of(Array(body.utf8)))
        return (SigV4Request(method: method, path: String(pathPart[0]), query: query, headers: headers, payloadHash: hash), body)
    }

    @Test(arguments: cases)
    func suiteVector(_ name: String) throws {
        let credentials = try #require(Self.suiteCredentials)
        let text = try #require(Self.fixture("\(name).req"), "fixture \(name).req")
        let (request, _) = try Self.parseRequest(text)
        var signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        if let token = request.header("x-amz-security-token") {
            signer.credentials = try S3Credentials(accessKeyID: "AKIDEXAMPLE",
                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: token)
        }
        let date = try #require(AmzDate(timestamp: "20150830T123600Z"))
        let (canonical, _) = signer.canonicalRequest(request)
        if let creq = Self.fixture("\(name).creq") { #expect(canonical == creq) }
        let sts = signer.stringToSign(canonicalRequest: canonical, date: date)
        if let expected = Self.fixture("\(name).sts") { #expect(sts == expected) }
        #expect(signer.authorization(for: request, date: date) == Self.fixture("\(name).authz"))
    }

    /// The S3 documentation's GET Object example (Range header, empty payload hash signed).
    @Test func s3DocumentationGetObject() throws {
        let credentials = try S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
        var request = SigV4Request(method: "GET", path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")], payloadHash: SigV4Signer.emptyPayloadHash)
        let date = try #require(AmzDate(timestamp: "20130524T000000Z"))
        signer.sign(&request, date: date)
        var unsigned = request
        unsigned.headers.removeAll { $0.name == "authorization" }
        let sts = signer.stringToSign(canonicalRequest: signer.canonicalRequest(unsigned).text, date: date)
        #expect(sts.hasSuffix("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(request.header("authorization") == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(request.header("x-amz-content-sha256") == SigV4Signer.emptyPayloadHash)
    }

    @Test func signingTwiceReplacesTheOldSignature() throws {
        let credentials = try #require(Self.suiteCredentials)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1")
        var request = SigV4Request(method: "GET", path: "/k", headers: [("host", "h")])
        signer.sign(&request, date: AmzDate(secondsSince1970: 0))
        let first = request.headers.count
        signer.sign(&request, date: AmzDate(secondsSince1970: 1))
        #expect(request.headers.count == first)
        #expect(request.header("x-amz-date") == "19700101T000001Z")
    }

    @Test func amzDateFromEpochSeconds() throws {
        #expect(AmzDate(secondsSince1970: 1_440_938_160).timestamp == "20150830T123600Z")
        #expect(AmzDate(secondsSince1970: 951_782_400).timestamp == "20000229T000000Z")
        #expect(AmzDate(secondsSince1970: 4_102_444_799).timestamp == "20991231T235959Z")
        #expect(AmzDate(timestamp: "2015-08-30T12:36:00Z") == nil)
    }

    @Test func encodingKeepsOnlyUnreservedBytes() {
        #expect(SigV4Signer.encode("a b/c~d*e") == "a%20b%2Fc~d%2Ae")
        #expect(SigV4Signer.encodePath("/a b/ሴ") == "/a%20b/%E1%88%B4")
        #expect(SigV4Signer.encodePath("") == "/")
    }

    @Test func theSecretAppearsNowhere() throws {
        let secret = "SECRETSECRETSECRETSECRET"
        let credentials = try S3Credentials(accessKeyID: "AKID", secretAccessKey: secret, sessionToken: "TOKENTOKEN")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped] {
            #expect(!text.contains(secret))
            #expect(!text.contains("TOKENTOKEN"))
        }
        var request = SigV4Request(method: "GET", path: "/", headers: [("host", "h")])
        SigV4Signer(credentials: credentials, region: "us-east-1").sign(&request, date: AmzDate(secondsSince1970: 0))
        #expect(!request.headers.contains { $0.value.contains(secret) })
        // A malformed secret's error names the field, not the value.
        #expect(throws: RemoteError.self) { try S3Credentials(accessKeyID: "AKID", secretAccessKey: "bad value \(secret)") }
        do {
            _ = try S3Credentials(accessKeyID: "AKID", secretAccessKey: "bad value \(secret)")
        } catch {
            #expect(!error.message.contains(secret))
            #expect(error.message.contains("SECRET_ACCESS_KEY"))
        }
    }
}
