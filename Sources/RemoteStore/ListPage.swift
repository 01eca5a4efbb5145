/// One page of an S3 ListObjectsV2 answer.
package struct ListPage: Sendable, Equatable {
    package struct Object: Sendable, Equatable {
        package var key: String
        package var size: Int64
        package var etag: String?
        package init(key: String, size: Int64, etag: String? = nil) {
            self.key = key
            self.size = size
            self.etag = etag
        }
    }

    package var objects: [Object]
    package var isTruncated: Bool
    package var nextContinuationToken: String?

    package init(objects: [Object], isTruncated: Bool, nextContinuationToken: String?) {
        self.objects = objects
        self.isTruncated = isTruncated
        self.nextContinuationToken = nextContinuationToken
    }

    /// Parses a `ListBucketResult` document.
    /// - Throws: ``RemoteError/Code/malformedResponse`` for anything else, or a truncated page
    ///   without a continuation token.
    package init(xml: [UInt8]) throws(RemoteError) {
        let elements = try MiniXML.parse(xml)
        guard elements.last?.path == "ListBucketResult" else {
            throw RemoteError(.malformedResponse, "listing answer is not a ListBucketResult")
        }
        var objects: [Object] = []
        var key: String?
        var size: Int64 = 0
        var etag: String?
        var truncated = false
        var token: String?
        for element in elements {
            switch element.path {
            case "ListBucketResult/Contents/Key": key = element.text
            case "ListBucketResult/Contents/Size":
                guard let value = Int64(element.text), value >= 0 else {
                    throw RemoteError(.malformedResponse, "listing answer has a bad Size \"\(element.text.prefix(24))\"")
                }
                size = value
            case "ListBucketResult/Contents/ETag": etag = element.text
            case "ListBucketResult/Contents":
                guard let objectKey = key else { throw RemoteError(.malformedResponse, "listing answer has Contents without Key") }
                objects.append(Object(key: objectKey, size: size, etag: etag))
                key = nil
                size = 0
                etag = nil
            case "ListBucketResult/IsTruncated": truncated = element.text == "true"
            case "ListBucketResult/NextContinuationToken": token = element.text.isEmpty ? nil : element.text
            default: break
            }
        }
        if truncated && token == nil {
            throw RemoteError(.malformedResponse, "listing answer is truncated but has no NextContinuationToken")
        }
        self.init(objects: objects, isTruncated: truncated, nextContinuationToken: token)
    }
}

/// The `Code` of an S3 `<Error>` body, if the body is one.
func s3ErrorCode(_ body: [UInt8]) -> String? {
    guard let elements = try? MiniXML.parse(body) else { return nil }
    return elements.first { $0.path == "Error/Code" }?.text
}
