package import NIOSSL

extension CertificateAuthority {
    /// A NIOSSL server configuration presenting `serving`, trusting only this CA for client
    /// certificates, TLS 1.2 or later.
    ///
    /// With `requestClientCertificates` the server asks for a client certificate but does not
    /// require one (`.optionalVerification`), as kube-apiserver accepts a bearer token *or* a
    /// client certificate; a presented certificate that does not chain to this CA fails the
    /// handshake. Read the verified peer after the handshake with `channel.nioSSL_peerCertificate()`
    /// and map it with ``UserInfo/from(certificate:)-(NIOSSLCertificate)``. Without it, no client
    /// certificate is requested.
    package func serverTLSConfiguration(serving: IssuedCertificate, requestClientCertificates: Bool) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLBridge.certificate(serving.certificatePEM))],
            privateKey: .privateKey(try NIOSSLBridge.privateKey(serving.privateKeyPEM))
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates([try NIOSSLBridge.certificate(certificatePEM)])
        configuration.certificateVerification = requestClientCertificates ? .optionalVerification : .none
        return configuration
    }

    /// A NIOSSL client configuration trusting only this CA (full hostname/IP verification),
    /// optionally presenting a client certificate.
    package func clientTLSConfiguration(clientCertificate: IssuedCertificate? = nil) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates([try NIOSSLBridge.certificate(certificatePEM)])
        configuration.certificateVerification = .fullVerification
        if let clientCertificate {
            configuration.certificateChain = [.certificate(try NIOSSLBridge.certificate(clientCertificate.certificatePEM))]
            configuration.privateKey = .privateKey(try NIOSSLBridge.privateKey(clientCertificate.privateKeyPEM))
        }
        return configuration
    }
}

extension ClusterCredentials {
    /// The API server's TLS configuration; see
    /// ``CertificateAuthority/serverTLSConfiguration(serving:requestClientCertificates:)``.
    package func serverTLSConfiguration(requestClientCertificates: Bool) throws -> TLSConfiguration {
        try certificateAuthority.serverTLSConfiguration(
            serving: servingCertificate,
            requestClientCertificates: requestClientCertificates
        )
    }

    /// A client TLS configuration trusting this cluster's CA.
    package func clientTLSConfiguration(clientCertificate: IssuedCertificate? = nil) throws -> TLSConfiguration {
        try certificateAuthority.clientTLSConfiguration(clientCertificate: clientCertificate)
    }
}

/// PEM → NIOSSL objects with ``PKIError``s.
enum NIOSSLBridge {
    static func certificate(_ pem: String) throws -> NIOSSLCertificate {
        do { return try NIOSSLCertificate(bytes: Array(pem.utf8), format: .pem) } catch {
            throw PKIError(.invalidPEM, "NIOSSL rejected certificate PEM: \(error)")
        }
    }

    static func privateKey(_ pem: String) throws -> NIOSSLPrivateKey {
        do { return try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem) } catch {
            throw PKIError(.invalidPEM, "NIOSSL rejected private key PEM: \(error)")
        }
    }
}
