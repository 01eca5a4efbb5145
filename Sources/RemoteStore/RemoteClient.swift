import AsyncHTTPClient
import Foundation
package import Logging
package import NIOCore
import NIOHTTP1
package import NIOSSL

/// HEAD, GET (ranged, conditional) and ListObjectsV2 over AsyncHTTPClient, for S3 and plain
/// HTTPS sources.
///
/// Timeouts are on *no progress* only: ``Configuration/stallTimeout`` bounds the gap between
/// two reads on the connection (AsyncHTTPClient's read timeout), never the whole transfer, so a
/// slow server that keeps sending never times out and a silent one does. Error answers become
/// ``RemoteError``s naming the bucket or host and the server's code, never a credential; a
/// refused credential (401/403) is reported once, not retried. It does no retries itself.
/// Call ``shutdown()`` when done.
package final class RemoteClient: Sendable {
    package struct Configuration: Sendable {
        /// The longest gap between two reads before a transfer fails as ``RemoteError/Code/timedOut``.
        package var stallTimeout: Duration
        package var connectTimeout: Duration
        /// The biggest listing page or error body read into memory.
        package var maximumResponseBytes: Int
        /// TLS settings (trust roots) for HTTPS; the system's when nil.
        package var tls: TLSConfiguration?
        /// The signing time source (seconds since 1970); the wall clock by default.
        package var now: @Sendable () -> Int64

        package init(stallTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
            maximumResponseBytes: Int = 8 << 20, tls: TLSConfiguration? = nil,
            now: @escaping @Sendable () -> Int64 = Configuration.wallClock)
        {
            self.stallTimeout = stallTimeout
            self.connectTimeout = connectTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.tls = tls
            self.now = now
        }

        /// Whole seconds since 1970 by the system clock.
        @Sendable package static func wallClock() -> Int64 { Int64(Date().timeIntervalSince1970) }
    }

    /// A GET's answer: what it says about the object, and (unless 304) a body to stream once.
    package struct Response: Sendable {
        package enum Status: Sendable, Equatable {
            /// 200: the whole object.
            case whole
            /// 206: the object from `start` on.
            case partial(start: Int64)
            /// 304: unchanged since the validators given.
            case notModified
        }
        package let status: Status
        package let info: ObjectInfo
        let body: HTTPClientResponse.Body?
        let source: RemoteSource

        /// Hands each chunk of the body to `consume` in order, with backpressure.
        /// - Throws: ``RemoteError`` (`.timedOut` after a stall, `.transport` when cut),
        ///   `CancellationError`, or what `consume` throws.
        package func forEachChunk(_ consume: (ByteBuffer) async throws -> Void) async throws {
            guard let body else { return }
            do {
                for try await chunk in body { try await consume(chunk) }
            } catch let error as RemoteError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as HTTPClientError {
                throw RemoteClient.translate(error, source)
            } catch {
                // A cut connection surfaces as a parser, TLS or channel error.
                throw RemoteError(.transport, "\(source): transfer cut (\(String(describing: error).prefix(200)))")
            }
        }
    }

    package let configuration: Configuration
    let http: HTTPClient
    let logger: Logger

    package init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "edgeai.remote")) {
        self.configuration = configuration
        self.logger = logger
        var config = HTTPClient.Configuration()
        if let tls = configuration.tls { config.tlsConfiguration = tls }
        config.timeout = HTTPClient.Configuration.Timeout(
            connect: TimeAmount(configuration.connectTimeout), read: TimeAmount(configuration.stallTimeout))
        // Redirects are followed by hand, only for unsigned HTTPS sources (see `send`): a signed
        // S3 request must never carry its Authorization header to another host.
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    }

    package func shutdown() async throws {
        try await http.shutdown()
    }

    /// HEAD: size, validators, range support.
    package func head(_ source: RemoteSource) async throws -> ObjectInfo {
        let response = try await send(source.objectRequest(method: "HEAD", date: date()), source: source)
        try await checkStatus(response, source, accepted: [200])
        return Self.info(response, status: 200)
    }

    /// GET the object, optionally from a byte offset and conditionally.
    /// - Throws: ``RemoteError`` for an error answer (403 → `.accessDenied`, 404 → `.notFound`,
    ///   a 206 whose range is not the one asked for → `.malformedResponse`).
    package func get(_ source: RemoteSource, conditions: GetConditions = GetConditions()) async throws -> Response {
        let request = source.objectRequest(method: "GET", headers: conditions.headers, date: date())
        let response = try await send(request, source: source)
        try await checkStatus(response, source, accepted: [200, 206, 304])
        switch response.status.code {
        case 304:
            return Response(status: .notModified, info: Self.info(response, status: 304), body: nil, source: source)
        case 206:
            guard let range = response.headers.first(name: "content-range").flatMap(parseContentRange),
                range.start == conditions.rangeStart ?? 0
            else {
                throw RemoteError(.malformedResponse, "\(source): 206 answer without the requested Content-Range")
            }
            return Response(status: .partial(start: range.start), info: Self.info(response, status: 206), body: response.body,
                source: source)
        default:
            return Response(status: .whole, info: Self.info(response, status: 200), body: response.body, source: source)
        }
    }

    /// One ListObjectsV2 page of `prefix` (the source's key when nil).
    package func list(_ source: RemoteSource, prefix: String? = nil, continuationToken: String?, maxKeys: Int = 1000)
        async throws -> ListPage
    {
        guard case .s3 = source.location else {
            throw RemoteError(.invalidLocation, "\(source): only s3:// prefixes can be listed")
        }
        let request = source.listRequest(prefix: prefix, continuationToken: continuationToken, maxKeys: maxKeys, date: date())
        let response = try await send(request, source: source)
        try await checkStatus(response, source, accepted: [200])
        let body = try await collect(response, source)
        return try ListPage(xml: body)
    }

    // MARK: - Plumbing

    func date() -> AmzDate { AmzDate(secondsSince1970: configuration.now()) }

    /// Sends `wire`; for an `https://` source follows up to five redirects (never from HTTPS to
    /// plain HTTP), since model hosts commonly redirect to a CDN.
    func send(_ wire: WireRequest, source: RemoteSource) async throws -> HTTPClientResponse {
        var wire = wire
        var redirects = 0
        while true {
            let response = try await sendOnce(wire, source: source)
            guard case .http(let origin) = source.location, [301, 302, 303, 307, 308].contains(response.status.code),
                let target = response.headers.first(name: "location")
            else { return response }
            redirects += 1
            guard redirects <= 5 else { throw RemoteError(.unexpectedStatus, "\(source): more than 5 redirects") }
            let absolute = target.hasPrefix("/") ? "\(origin.useHTTPS ? "https" : "http")://\(origin.authority)\(target)" : target
            let next = try HTTPLocation(parsing: absolute, allowInsecureHTTP: !origin.useHTTPS)
            wire = WireRequest(method: wire.method, url: next.description,
                headers: [("host", next.authority)] + wire.headers.filter { $0.name.lowercased() != "host" })
        }
    }

    func sendOnce(_ wire: WireRequest, source: RemoteSource) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: wire.url)
        request.method = HTTPMethod(rawValue: wire.method)
        for (name, value) in wire.headers { request.headers.add(name: name, value: value) }
        do {
            // The deadline only bounds the wait for the answer's head; the body is bounded by the
            // stall timeout alone.
            return try await http.execute(request, deadline: .now() + TimeAmount(configuration.stallTimeout), logger: logger)
        } catch let error as HTTPClientError {
            throw Self.translate(error, source)
        } catch let error as NIOSSLError {
            throw RemoteError(.transport, "\(source): TLS failed (\(error))")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw RemoteError(.transport, "\(source): connection failed (\(String(describing: error).prefix(200)))")
        }
    }

    func collect(_ response: HTTPClientResponse, _ source: RemoteSource) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in response.body {
                guard bytes.count + chunk.readableBytes <= configuration.maximumResponseBytes else {
                    throw RemoteError(.tooLarge, "\(source): answer is larger than \(configuration.maximumResponseBytes) bytes")
                }
                bytes += chunk.readableBytesView
            }
        } catch let error as HTTPClientError {
            throw Self.translate(error, source)
        }
        return bytes
    }

    func checkStatus(_ response: HTTPClientResponse, _ source: RemoteSource, accepted: Set<UInt>) async throws {
        let status = response.status.code
        guard !accepted.contains(status) else { return }
        // Error bodies are small; read at most 64 KiB of one for its S3 code.
        var body: [UInt8] = []
        do {
            for try await chunk in response.body where body.count < 65536 { body += chunk.readableBytesView.prefix(65536) }
        } catch {}
        let code = s3ErrorCode(body) ?? response.headers.first(name: "x-amz-error-code")
        throw Self.statusError(Int(status), code: code, source: source)
    }

    /// The error for an HTTP error status (pure; the message never holds a credential).
    static func statusError(_ status: Int, code: String?, source: RemoteSource) -> RemoteError {
        let reason = "(\(status)\(code.map { " " + $0.prefix(64) } ?? ""))"
        switch (status, source.location) {
        case (401, .s3(let bucket, _)), (403, .s3(let bucket, _)):
            let message = source.credentials == nil
                ? "anonymous access to s3://\(bucket) was refused \(reason)"
                : "credentials for \(bucket) were refused \(reason)"
            return RemoteError(.accessDenied, message, status: status)
        case (401, _), (403, _):
            return RemoteError(.accessDenied, "\(source): access refused \(reason)", status: status)
        case (404, _):
            return RemoteError(.notFound, "\(source): not found \(reason)", status: status)
        default:
            return RemoteError(.unexpectedStatus, "\(source): unexpected answer \(reason)", status: status)
        }
    }

    static func translate(_ error: HTTPClientError, _ source: RemoteSource) -> RemoteError {
        switch error {
        case .readTimeout: RemoteError(.timedOut, "\(source): no data arrived within the stall timeout")
        case .connectTimeout: RemoteError(.timedOut, "\(source): connecting timed out")
        case .deadlineExceeded: RemoteError(.timedOut, "\(source): no answer within the stall timeout")
        default: RemoteError(.transport, "\(source): transfer failed (\(error))")
        }
    }

    static func info(_ response: HTTPClientResponse, status: Int) -> ObjectInfo {
        let headers = response.headers
        var size: Int64?
        if status == 206 {
            size = headers.first(name: "content-range").flatMap(parseContentRange)?.total
        } else if status == 200 {
            size = headers.first(name: "content-length").flatMap { Int64($0) }
        }
        return ObjectInfo(size: size, etag: headers.first(name: "etag"), lastModified: headers.first(name: "last-modified"),
            acceptsRanges: headers.first(name: "accept-ranges")?.lowercased() == "bytes" || status == 206)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
