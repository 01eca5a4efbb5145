import X509
import SwiftASN1

/// PEM parsing and serialisation with ``PKIError``s that name the source.
enum PEMCodec {
    static func certificate(_ pem: String, source: String) throws -> Certificate {
        do { return try Certificate(pemEncoded: pem) } catch {
            throw PKIError(.invalidPEM, "\(source): not a PEM certificate (\(error))")
        }
    }

    static func privateKey(_ pem: String, source: String) throws -> Certificate.PrivateKey {
        do { return try Certificate.PrivateKey(pemEncoded: pem) } catch {
            throw PKIError(.invalidPEM, "\(source): not a PEM private key (PKCS#8, SEC1 or PKCS#1) (\(error))")
        }
    }

    static func pem(_ certificate: Certificate) throws -> String {
        do { return try certificate.serializeAsPEM().pemString + "\n" } catch {
            throw PKIError(.certificate, "cannot serialise certificate \(certificate.subject): \(error)")
        }
    }

    static func pem(_ key: Certificate.PrivateKey) throws -> String {
        do { return try key.serializeAsPEM().pemString + "\n" } catch {
            throw PKIError(.invalidKey, "cannot serialise private key: \(error)")
        }
    }
}
