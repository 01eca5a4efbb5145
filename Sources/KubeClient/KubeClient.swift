import AsyncHTTPClient
import EdgeAIAPI
import EdgeAICore
import Foundation
import JSON
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A Kubernetes REST client over one `HTTPClient`: typed and untyped CRUD, patch and watch
/// against any group/version/resource, with client-side rate limiting and retries.
///
/// It speaks only the public Kubernetes API, so it works against kube-apiserver and the embedded
/// server alike. It does not cache (see ``Informer``) and does not follow redirects.
/// - Important: call ``shutdown()`` before releasing it.
public final class KubeClient: Sendable {
    public let config: KubeConfig
    public let retryPolicy: RetryPolicy
    let http: HTTPClient
    let limiter: RateLimiter
    let tokens: TokenSource
    /// `server` with the host replaced by `tlsServerName` (the real host goes into `dnsOverride`).
    let baseURL: String
    let logger: Logger
    /// Deadline for a non-watch request to deliver its response headers.
    let requestTimeout: TimeAmount

    /// Builds the client; throws if a certificate, key or the server URL is invalid.
    public init(
        config: KubeConfig, retryPolicy: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "edgeai.kubeclient")
    ) throws(KubeConfigError) {
        self.config = config
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.requestTimeout = .nanoseconds(requestTimeout.nanoseconds)
        guard var components = URLComponents(string: config.server), let scheme = components.scheme,
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw KubeConfigError("server \"\(config.server)\" is not an http(s) URL")
        }
        var configuration = HTTPClient.Configuration()
        if let serverName = config.tlsServerName, !serverName.isEmpty, serverName != host {
            configuration.dnsOverride[serverName] = host
            components.host = serverName
        }
        var base = components.string ?? config.server
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        if scheme == "https" {
            configuration.tlsConfiguration = try Self.tlsConfiguration(config)
        }
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        limiter = RateLimiter(qps: config.qps, burst: config.burst)
        tokens = TokenSource(credentials: config.credentials, refreshInterval: config.tokenRefreshInterval)
    }

    /// Closes every connection; in-flight requests and watches fail.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    static func tlsConfiguration(_ config: KubeConfig) throws(KubeConfigError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        // Closing a connection (a cancelled watch, shutdown) waits this long for the server's
        // close_notify; a server still streaming a watch sends none, and NIOSSL's 5 s default
        // held every `shutdown()` (and so `edgeai server`'s exit) that long.
        tls.shutdownTimeout = .milliseconds(200)
        do {
            if config.insecureSkipTLSVerify {
                tls.certificateVerification = .none
            } else if let ca = config.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
        } catch {
            throw KubeConfigError("certificate authority is not valid PEM: \(error)")
        }
        if let cert = config.clientCertificatePEM, let key = config.clientKeyPEM {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
            } catch {
                throw KubeConfigError("client certificate is not valid PEM: \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            } catch {
                throw KubeConfigError("client key is not a valid PEM RSA or EC key: \(error)")
            }
        }
        return tls
    }
}

/// One request as the client sends it (before auth, rate limiting and retries).
struct KubeRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var query: [(String, String)] = []
    var body: [UInt8]?
    var contentType: String?
    /// The `Accept` header; `nil` asks for JSON.
    var accept: String?
    /// Safe to replay after a broken connection or a 5xx (see ``RetryPolicy``).
    var idempotent: Bool
}

extension KubeClient {
    /// Sends `request` and returns the response once its headers arrived, body unread, after
    /// retries; a non-2xx answer is thrown as ``KubeError`` (its body read and decoded).
    func execute(_ request: KubeRequest, headerTimeout: TimeAmount? = nil) async throws -> HTTPClientResponse {
        var attempt = 0
        var reauthenticated = false
        while true {
            try await limiter.acquire()
            let outgoing = try buildRequest(request, forceTokenReread: reauthenticated && attempt == 0)
            let failure: KubeError
            var retryable: Bool
            do {
                let response = try await http.execute(outgoing, deadline: .now() + (headerTimeout ?? requestTimeout), logger: nil)
                if (200..<300).contains(response.status.code) { return response }
                failure = await Self.error(from: response)
                if failure.code == 401, tokens.canRefresh, !reauthenticated {
                    reauthenticated = true
                    continue
                }
                retryable = RetryPolicy.isRetryable(code: failure.code, idempotent: request.idempotent)
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                failure = KubeError.network(error)
                retryable = Self.isTransient(error) && (request.idempotent || Self.isConnectFailure(error))
            }
            guard retryable, attempt < retryPolicy.maxRetries else { throw failure }
            let delay = min(failure.retryAfter ?? retryPolicy.backoff.delay(attempt: attempt), retryPolicy.maximumRetryAfter)
            logger.debug("retrying \(request.method) \(request.path) in \(delay): \(failure)")
            try await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// Sends `request` and collects the whole body (at most `maxBytes`).
    func executeCollecting(_ request: KubeRequest, maxBytes: Int = 512 << 20) async throws -> ByteBuffer {
        let response = try await execute(request)
        do {
            return try await response.body.collect(upTo: maxBytes)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw KubeError.network(error)
        }
    }

    func buildRequest(_ request: KubeRequest, forceTokenReread: Bool) throws -> HTTPClientRequest {
        var url = baseURL + request.path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = request.method
        outgoing.headers.add(name: "Accept", value: request.accept ?? "application/json")
        outgoing.headers.add(name: "User-Agent", value: "edgeai-kubeclient/0.1")
        switch config.credentials {
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            outgoing.headers.add(name: "Authorization", value: "Basic \(encoded)")
        case .token, .tokenFile:
            if let token = try tokens.token(forceReread: forceTokenReread), !token.isEmpty {
                outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
        case .none:
            break
        }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
            outgoing.body = .bytes(body)
        }
        return outgoing
    }

    /// The error a non-2xx response stands for: its `Status` when the body is one.
    static func error(from response: HTTPClientResponse) async -> KubeError {
        let code = Int(response.status.code)
        let retryAfter = RetryPolicy.retryAfter(header: response.headers.first(name: "Retry-After"))
        let body = try? await response.body.collect(upTo: 1 << 20)
        if let body, let status = try? KubeJSON.decode(APIStatus.self, from: body.readableBytesView), status.kind == "Status" {
            return KubeError(status: status, httpCode: code, retryAfter: retryAfter)
        }
        let text = body.map { String(buffer: $0) } ?? ""
        return KubeError(
            kind: code == 410 ? .gone : .api, code: code, reason: KubeError.defaultReason(code),
            message: text.isEmpty ? response.status.reasonPhrase : String(text.prefix(512)), retryAfter: retryAfter)
    }

    /// Network errors worth another attempt; TLS failures (bad CA, rejected certificate) are not.
    static func isTransient(_ error: any Error) -> Bool {
        if error is NIOSSLError || error is BoringSSLError { return false }
        if let error = error as? HTTPClientError {
            return [.connectTimeout, .remoteConnectionClosed, .readTimeout, .deadlineExceeded].contains(error)
        }
        return true
    }

    /// Failures that prove the request never reached the server.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        let name = String(reflecting: type(of: error))
        return name.contains("NIOConnectionError") || name.contains("ConnectTimeout")
    }

    static func percentEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
