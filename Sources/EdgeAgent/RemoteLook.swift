import DatasetScan
import Foundation
import RemoteStore

/// One look at a remote dataset: parses the location (`http://` only when allowed), finds the
/// credentials for `s3://`, and counts by streaming (``RemoteCounter``), conditionally when an
/// earlier count's validators are given; a dataset with `localCopy` is brought up to date in
/// ``DatasetCopies`` and counted from the copy. Async network I/O only (a copy's count runs on
/// the thread pool): it never blocks a cooperative thread.
struct RemoteLook: Sendable {
    enum Result: Sendable, Equatable {
        /// `path`: the local copy jobs open, with `localCopy`.
        case counted(RemoteCount, RemoteCounter.Validators, path: String?)
        /// A 304: the data still has the validators given.
        case unchanged
        case failed(RemoteFailure)
    }

    var dataUrl: String
    var format: String
    var namespace: String
    /// The dataset's name in its namespace.
    var name: String
    var credentialName: String?
    var validators: RemoteCounter.Validators?
    var client: RemoteClient
    var credentials: any CredentialProvider
    var allowInsecureHTTP: Bool
    /// Keys per ListObjectsV2 page for an S3 prefix.
    var listPageSize = 1000
    /// Where copies go when the dataset asks for one (nil: this agent keeps none).
    var copies: DatasetCopies?
    var localCopy = false

    func perform() async -> Result {
        let location: RemoteLocation
        do { location = try RemoteLocation(parsing: dataUrl, allowInsecureHTTP: allowInsecureHTTP) } catch {
            return .failed(RemoteFailure(reason: Self.reason(error.code), message: error.message, source: nil))
        }
        let source = Self.sourceName(location)
        let format: DatasetFormat
        do { format = try DatasetFormat.parse(self.format) } catch {
            return .failed(RemoteFailure(reason: error.reason, message: error.description, source: source))
        }
        do {
            let remote: RemoteSource
            switch location {
            case .s3:
                let access = try await credentials.access(named: credentialName ?? CredentialNames.fallback, namespace: namespace)
                remote = try RemoteSource(location: location, endpoint: access.endpoint, credentials: access.credentials)
            case .http:
                remote = try RemoteSource(location: location)
            }
            if localCopy {
                guard format != .dir else {
                    return .failed(RemoteFailure(
                        reason: "NotAllowed", message: "\(source): localCopy keeps one object; a dir prefix is counted without it", source: source))
                }
                guard let copies else {
                    return .failed(RemoteFailure(reason: "NotAllowed", message: "\(source): this agent keeps no dataset copies", source: source))
                }
                return try await copies.look(remote, name: "\(namespace)/\(name)", format: format, previous: validators, source: source)
            }
            switch try await RemoteCounter(client: client, pageSize: listPageSize).count(remote, format: format, previous: validators) {
            case .unchanged:
                return .unchanged
            case .counted(let count):
                let version = count.validators.etag ?? count.validators.lastModified
                return .counted(RemoteCount(samples: count.samples, bytes: count.bytes, source: source, version: version), count.validators, path: nil)
            }
        } catch let error as RemoteError {
            return .failed(RemoteFailure(reason: Self.reason(error.code), message: Self.redacted(error.message, url: dataUrl), source: source))
        } catch let error as ScanError {
            return .failed(RemoteFailure(reason: error.reason, message: "\(source): the local copy: \(Self.redacted(error.message, url: dataUrl))", source: source))
        } catch is CancellationError {
            return .failed(RemoteFailure(reason: "Unreachable", message: "\(source): the look was cancelled", source: source))
        } catch {
            return .failed(RemoteFailure(reason: "RemoteError", message: "\(source): \(String(describing: error).prefix(200))", source: source))
        }
    }

    /// `message` with `url`'s query (a presigned signature, perhaps) cut out wherever the URL
    /// appears in it, so it can go into a status.
    static func redacted(_ message: String, url: String) -> String {
        guard let query = url.firstIndex(of: "?") else { return message }
        let parsed = try? RemoteLocation(parsing: url, allowInsecureHTTP: true)
        var text = message
        for form in [url, parsed?.description].compactMap({ $0 }) where form.contains("?") {
            text = text.replacingOccurrences(of: form, with: String(form.prefix { $0 != "?" }))
        }
        // Whatever else quotes the query.
        let rest = String(url[url.index(after: query)...])
        return rest.isEmpty ? text : text.replacingOccurrences(of: rest, with: "…")
    }

    /// `s3://bucket/key`, or the HTTP(S) URL without its query.
    static func sourceName(_ location: RemoteLocation) -> String {
        switch location {
        case .s3: location.description
        case .http(let http):
            (http.useHTTPS ? "https://" : "http://") + http.authority + String(http.target.prefix { $0 != "?" })
        }
    }

    /// The `Ready` condition's reason for a remote failure.
    static func reason(_ code: RemoteError.Code) -> String {
        switch code {
        case .accessDenied: "AccessDenied"
        case .notFound: "NotFound"
        case .invalidLocation, .invalidEndpoint: "NotAllowed"
        case .invalidCredentials: "CredentialsInvalid"
        case .timedOut: "Timeout"
        case .transport: "Unreachable"
        case .malformedResponse: "ParseError"
        case .tooLarge: "TooLarge"
        default: "RemoteError"
        }
    }
}
