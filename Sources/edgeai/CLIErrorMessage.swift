import ArgumentParser
import EdgeAIAPI
import Foundation
import KubeClient
import ManifestYAML
import NodeCommands

/// Turns any error a command meets into the one line the user sees, kubectl's way:
/// `Error from server (NotFound): datasets.edgeai.io "x" not found`, or `error: …` for failures
/// that never reached a server. Pure; never includes a stack trace or a multi-line dump.
enum CLIErrorMessage {
    static func line(for error: any Error, server: String? = nil) -> String {
        let text: String
        switch error {
        case let error as KubeError:
            text = kube(error, server: server)
        case let error as Manifests.ParseError:
            text = "error: \(error.message)"
        default:
            text = "error: \(error)"
        }
        return oneLine(text)
    }

    static func kube(_ error: KubeError, server: String?) -> String {
        let at = server.map { " at \($0)" } ?? ""
        switch error.kind {
        case .network:
            return "error: cannot reach the API server\(at): \(networkSummary(error.message))"
        case .decoding:
            return "error: the API server\(at) sent an answer edgeai cannot read: \(error.message)"
        case .api, .gone:
            if error.isUnauthorized {
                return "error: the API server\(at) rejected the credentials (401 Unauthorized): check the token or certificate in the kubeconfig"
            }
            if error.isNotFound, error.message == "the server could not find the requested resource" {
                return "error: the API server\(at) does not serve \(EdgeAIGroup.apiVersion) datasets and models (on a real cluster, install the CRDs: edgeai crds --install)"
            }
            var message = error.message
            // Field paths belong in the line even when the server's message omits them.
            let missing = error.causes.filter { cause in cause.field.map { !$0.isEmpty && !message.contains($0) } ?? false }
            if !missing.isEmpty {
                message += ": " + missing.map { "\($0.field ?? ""): \($0.message ?? $0.reason ?? "")" }.joined(separator: ", ")
            }
            return "Error from server (\(error.reason)): \(message)"
        }
    }

    /// The part of a NIO/TLS error description a user can act on.
    static func networkSummary(_ message: String) -> String {
        let lowered = message.lowercased()
        if lowered.contains("connection refused") || lowered.contains("econnrefused") { return "connection refused (is the server running?)" }
        if lowered.contains("certificate") || lowered.contains("handshake") || lowered.contains("ssl") {
            return "TLS verification failed (does the kubeconfig's certificate-authority match the server?): \(message.prefix(200))"
        }
        if lowered.contains("timeout") || lowered.contains("timed out") { return "connection timed out" }
        if lowered.contains("host") && lowered.contains("resolve") || lowered.contains("name resolution") { return "unknown host" }
        return String(message.prefix(300))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }
}

/// Runs a command body; any error becomes one line on stderr and exit status 1.
func reportingErrors(server: String? = nil, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch is CancellationError {
        throw ExitCode(130)
    } catch {
        printError(CLIErrorMessage.line(for: error, server: server))
        throw ExitCode.failure
    }
}
