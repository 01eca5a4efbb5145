import EdgeAIPKI
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Testing

/// Real TLS handshakes between a NIOSSL server and client on 127.0.0.1 (port 0).
@Suite(.timeLimit(.minutes(5)))
struct TLSHandshakeTests {
    static let ca = try! CertificateAuthority.generate()
    static let serving = try! ca.issueServingCertificate(hosts: [String]())
    static let admin = try! ca.issueClientCertificate(user: "admin", groups: ["system:masters"])

    /// What one side saw when its handshake completed: whether the peer presented a certificate
    /// and the user that certificate maps to.
    struct Seen: Sendable, Equatable {
        var peerPresented: Bool
        var user: UserInfo?
    }

    /// Completes `promise` once: with the peer identity on handshake completion, or the first error.
    final class CaptureHandshake: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Seen>
        var completed = false

        init(promise: EventLoopPromise<Seen>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls, !completed {
                completed = true
                let peer = (try? context.pipeline.syncOperations.nioSSL_peerCertificate()) ?? nil
                promise.succeed(Seen(peerPresented: peer != nil, user: peer.flatMap { UserInfo.from(certificate: $0) }))
            }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !completed {
                completed = true
                promise.fail(error)
            }
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !completed {
                completed = true
                promise.fail(ChannelError.eof)
            }
            context.fireChannelInactive()
        }
    }

    /// Runs one connection; returns what the server and the client saw.
    func handshake(
        server serverConfig: TLSConfiguration,
        client clientConfig: TLSConfiguration,
        hostname: String? = nil
    ) async throws -> (server: Result<Seen, any Error>, client: Result<Seen, any Error>) {
        let group = MultiThreadedEventLoopGroup.singleton
        let serverContext = try NIOSSLContext(configuration: serverConfig)
        let clientContext = try NIOSSLContext(configuration: clientConfig)
        let serverSeen = group.next().makePromise(of: Seen.self)
        let clientSeen = group.next().makePromise(of: Seen.self)

        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverContext))
                    try channel.pipeline.syncOperations.addHandler(CaptureHandshake(promise: serverSeen))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let connection = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: clientContext, serverHostname: hostname)
                    )
                    try channel.pipeline.syncOperations.addHandler(CaptureHandshake(promise: clientSeen))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()

        let client: Result<Seen, any Error>
        do { client = .success(try await clientSeen.futureResult.get()) } catch { client = .failure(error) }
        if case .failure = client { connection.close(promise: nil) }
        let server: Result<Seen, any Error>
        do { server = .success(try await serverSeen.futureResult.get()) } catch { server = .failure(error) }
        try? await connection.close()
        try await listener.close()
        return (server, client)
    }

    @Test func clientCertificateIdentifiesTheUserToTheServer() async throws {
        let (server, client) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.serving, requestClientCertificates: true),
            client: Self.ca.clientTLSConfiguration(clientCertificate: Self.admin)
        )
        #expect(try server.get() == Seen(peerPresented: true, user: UserInfo(name: "admin", groups: ["system:masters"])))
        #expect(try client.get().peerPresented)
        // The server's own certificate is not a user.
        #expect(try client.get().user == nil)
    }

    @Test func clientWithoutCertificateIsAcceptedForTokenAuthentication() async throws {
        let (server, client) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.serving, requestClientCertificates: true),
            client: Self.ca.clientTLSConfiguration(),
            hostname: "localhost"
        )
        #expect(try server.get() == Seen(peerPresented: false, user: nil))
        #expect(try client.get().peerPresented)
    }

    @Test func clientCertificateFromAnotherCAIsRefused() async throws {
        let rogue = try CertificateAuthority.generate(commonName: "rogue")
        let forged = try rogue.issueClientCertificate(user: "admin", groups: ["system:masters"])
        var clientConfig = try Self.ca.clientTLSConfiguration()
        clientConfig.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(forged.certificatePEM.utf8), format: .pem))]
        clientConfig.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(forged.privateKeyPEM.utf8), format: .pem))
        let (server, _) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.serving, requestClientCertificates: true),
            client: clientConfig
        )
        #expect(throws: (any Error).self) { try server.get() }
    }

    @Test func clientRefusesServerFromAnotherCA() async throws {
        let other = try CertificateAuthority.generate(commonName: "other")
        let (_, client) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.serving, requestClientCertificates: false),
            client: other.clientTLSConfiguration()
        )
        #expect(throws: (any Error).self) { try client.get() }
    }

    /// A leaked client certificate of the same CA cannot impersonate the API server.
    /// (NIOSSL accepts a server whose IP SAN matches the connected address whatever hostname is
    /// asked for, so the serving certificate's default 127.0.0.1 SAN always matches here.)
    @Test func clientRefusesAClientCertificateAsServerIdentity() async throws {
        let (_, client) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.admin, requestClientCertificates: false),
            client: Self.ca.clientTLSConfiguration(),
            hostname: "localhost"
        )
        #expect(throws: (any Error).self) { try client.get() }
    }

    @Test func serverThatDoesNotRequestCertificatesSeesNone() async throws {
        let (server, _) = try await handshake(
            server: Self.ca.serverTLSConfiguration(serving: Self.serving, requestClientCertificates: false),
            client: Self.ca.clientTLSConfiguration(clientCertificate: Self.admin)
        )
        #expect(try server.get() == Seen(peerPresented: false, user: nil))
    }
}
