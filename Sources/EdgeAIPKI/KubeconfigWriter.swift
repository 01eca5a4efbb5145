#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Renders and writes a single-cluster kubeconfig that kubectl and the Python client accept.
///
/// Named `…Writer` so it does not clash with a client-side kubeconfig model. Every scalar is
/// written as a YAML double-quoted string with escapes, so no user-controlled value can change
/// the document's structure; no YAML library is needed. Does not merge into existing files.
package struct KubeconfigWriter: Sendable {
    /// How the user authenticates.
    package enum Credential: Sendable {
        /// A bearer token (`users[].user.token`).
        case token(String)
        /// A client certificate and key, PEM (`client-certificate-data`, `client-key-data`).
        case clientCertificate(certificatePEM: String, privateKeyPEM: String)
    }

    /// The API server URL, e.g. `https://127.0.0.1:6443`.
    package var server: String
    /// The CA that signed the serving certificate, PEM (written as `certificate-authority-data`).
    package var certificateAuthorityPEM: String
    package var credential: Credential
    package var clusterName: String
    package var userName: String
    package var contextName: String
    package var namespace: String

    package init(
        server: String,
        certificateAuthorityPEM: String,
        credential: Credential,
        clusterName: String = "edgeai",
        userName: String = "admin",
        contextName: String = "edgeai",
        namespace: String = "default"
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.credential = credential
        self.clusterName = clusterName
        self.userName = userName
        self.contextName = contextName
        self.namespace = namespace
    }

    /// `https://<host>:<port>`, bracketing IPv6 literals.
    package static func serverURL(host: String, port: Int) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "https://\(bracketed):\(port)"
    }

    /// The kubeconfig YAML.
    package func render() -> String {
        func q(_ s: String) -> String { Self.quoted(s) }
        func b64(_ s: String) -> String { q(Data(s.utf8).base64EncodedString()) }
        var lines = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: \(q(clusterName))",
            "  cluster:",
            "    server: \(q(server))",
            "    certificate-authority-data: \(b64(certificateAuthorityPEM))",
            "users:",
            "- name: \(q(userName))",
            "  user:",
        ]
        switch credential {
        case .token(let token):
            lines.append("    token: \(q(token))")
        case .clientCertificate(let certificatePEM, let privateKeyPEM):
            lines.append("    client-certificate-data: \(b64(certificatePEM))")
            lines.append("    client-key-data: \(b64(privateKeyPEM))")
        }
        lines += [
            "contexts:",
            "- name: \(q(contextName))",
            "  context:",
            "    cluster: \(q(clusterName))",
            "    user: \(q(userName))",
            "    namespace: \(q(namespace))",
            "current-context: \(q(contextName))",
            "preferences: {}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``render()`` to `path` atomically with mode 0600.
    package func write(to path: String) throws {
        try SecureFile.writeAtomically(render(), to: path, mode: 0o600)
    }

    /// A YAML 1.1/1.2 double-quoted scalar: `\` and `"` escaped, control and non-printing
    /// characters as `\xNN` / `\uNNNN`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0xFEFF || v == 0x2028 || v == 0x2029 {
                    let hex = String(v, radix: 16, uppercase: true)
                    out += v <= 0xFF
                        ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                        : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
