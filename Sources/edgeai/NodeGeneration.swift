import EdgeAIAPI
import EdgeAIPKI
import Foundation
import KubeClient

/// The EdgeNode side of every token the CLI issues (`edgeai node add`, `token create`, `up` for
/// its own agent) and of `node revoke`: moves a node's token generation on, so that every token
/// issued before is refused by the hub (`NodeAdmission`), and the node's access ends with its
/// EdgeNode.
enum NodeGeneration {
    /// A generation above `previous` and above any issued before (milliseconds since 1970, so
    /// a node deleted and added again does not get its old generation back).
    static func next(after previous: Int64?) -> Int64 {
        max((previous ?? 0) + 1, Int64(Date().timeIntervalSince1970 * 1000))
    }

    /// Creates the EdgeNode of `name` or moves its generation on, and returns the node's token
    /// for the new generation.
    static func issueToken(_ kube: KubeClient, name: String, secret: ClusterSecret) async throws -> String {
        let generation = try await advance(kube, name: name, createIfMissing: true)
        return try NodeToken.issue(node: name, generation: UInt64(clamping: generation), secret: secret)
    }

    /// `edgeai up`'s own agent, registered like any node (at each start: a token of the run
    /// before is refused): through the embedded API server on `apiPort` with the admin token.
    static func registerOwnNode(_ name: String, credentials: ClusterCredentials, apiPort: Int) async throws -> String {
        let config = KubeConfig(
            server: "https://127.0.0.1:\(apiPort)", certificateAuthorityPEM: Array(credentials.certificateAuthority.certificatePEM.utf8),
            credentials: .token(credentials.adminToken))
        let kube = try KubeClient(config: config)
        do {
            let token = try await issueToken(kube, name: name, secret: credentials.clusterSecret)
            try await kube.shutdown()
            return token
        } catch {
            try? await kube.shutdown()
            throw error
        }
    }

    /// The kubeconfig a command given a cloud data directory uses: `--kubeconfig` as given, else
    /// none while `$KUBECONFIG` is set, else `<dataDirectory>/kubeconfig` when it exists (what
    /// `edgeai up` and `server` write), else nil (the usual lookup).
    static func kubeconfig(
        flag: String?, dataDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let variable = environment["KUBECONFIG"], !variable.isEmpty { return nil }
        let local = ClusterCredentials.Paths(dataDirectory: dataDirectory).kubeconfig
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    /// Creates the EdgeNode of `name` or moves its generation on; returns the new generation.
    /// `createIfMissing` false: a missing EdgeNode is an error (revoking an unknown node).
    static func advance(_ kube: KubeClient, name: String, createIfMissing: Bool) async throws -> Int64 {
        for _ in 0..<5 {
            var node: EdgeNode
            do {
                node = try await kube.get(EdgeNode.self, name: name)
            } catch let error as KubeError where error.isNotFound {
                guard createIfMissing else { throw CLIError("edgenodes.edgeai.io \"\(name)\" not found") }
                let generation = next(after: nil)
                do {
                    _ = try await kube.create(EdgeNode(metadata: ObjectMeta(name: name), spec: EdgeNodeSpec(tokenGeneration: generation)))
                    return generation
                } catch let error as KubeError where error.isAlreadyExists {
                    continue
                }
            }
            let generation = next(after: node.spec.tokenGeneration)
            node.spec.tokenGeneration = generation
            do {
                _ = try await kube.update(node)
                return generation
            } catch let error as KubeError where error.isConflict {
                continue
            }
        }
        throw CLIError("EdgeNode \(name) kept changing; try again")
    }
}
