import Testing

@testable import RemoteStore

/// The bounded XML reader on ListObjectsV2 answers and S3 error bodies.
struct ListPageTests {
    static let page = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>data</Name><Prefix>img/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>
          <IsTruncated>true</IsTruncated>
          <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
          <Contents><Key>img/a&amp;b.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
            <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
          <Contents><Key>img/</Key><Size>0</Size></Contents>
          <Contents><Key><![CDATA[img/<c>.jpg]]></Key><Size>1</Size><!-- a comment --></Contents>
        </ListBucketResult>
        """

    @Test func parsesAPage() throws {
        let page = try ListPage(xml: Array(Self.page.utf8))
        #expect(page.objects.map(\.key) == ["img/a&b.jpg", "img/", "img/<c>.jpg"])
        #expect(page.objects.map(\.size) == [434_234, 0, 1])
        #expect(page.objects[0].etag == "\"fba9dede5f27731c9771645a39863328\"")
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
    }

    @Test func lastPageAndEmptyPage() throws {
        let empty = try ListPage(xml: Array("<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>".utf8))
        #expect(empty.objects.isEmpty && !empty.isTruncated && empty.nextContinuationToken == nil)
    }

    @Test(arguments: [
        "<ListBucketResult><Contents><Key>a</Key></ListBucketResult>",
        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
        "<Error><Code>NoSuchBucket</Code></Error>",
        "<ListBucketResult><Contents><Size>-1</Size><Key>a</Key></Contents></ListBucketResult>",
        "<!DOCTYPE x [<!ENTITY a \"b\">]><ListBucketResult></ListBucketResult>",
        "<ListBucketResult><Contents><Key>&bogus;</Key></Contents></ListBucketResult>",
        "<ListBucketResult>",
        "not xml at all",
    ])
    func refusesMalformed(_ xml: String) {
        #expect(throws: RemoteError.self) { try ListPage(xml: Array(xml.utf8)) }
    }

    @Test func boundsDepthAndElementCount() {
        let deep = String(repeating: "<a>", count: MiniXML.maximumDepth + 1) + String(repeating: "</a>", count: MiniXML.maximumDepth + 1)
        #expect(throws: RemoteError.self) { try MiniXML.parse(Array(deep.utf8)) }
        let many = "<r>" + String(repeating: "<e/>", count: MiniXML.maximumElements) + "</r>"
        #expect(throws: RemoteError.self) { try MiniXML.parse(Array(many.utf8)) }
    }

    @Test func errorBodyCode() throws {
        let body = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>"
        #expect(s3ErrorCode(Array(body.utf8)) == "SignatureDoesNotMatch")
        #expect(s3ErrorCode([]) == nil)
        #expect(try MiniXML.parse(Array("<a>&#x41;&#66;</a>".utf8)).first?.text == "AB")
    }
}
