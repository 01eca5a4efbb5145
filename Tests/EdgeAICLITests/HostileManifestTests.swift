import EdgeAIAPI
import EdgeAITesting
import Foundation
import KubeClient
import Testing

/// YAML alias bombs in what the CLI reads — manifests (`apply -f`) and kubeconfigs — fail fast
/// with a clear error and send nothing.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HostileManifestTests {
    static let bomb = HostileInput.billionLaughs

    @Test func applyOfAnAliasBombFailsFastAndAppliesNothing() async throws {
        try await withCluster { cluster, client in
            let manifest = """
                apiVersion: edgeai.io/v1alpha1
                kind: Dataset
                metadata: {name: first}
                spec: {dataUrl: /d, format: txt, nodeName: e}
                ---
                apiVersion: edgeai.io/v1alpha1
                kind: Dataset
                metadata: {name: lol}
                spec: {dataUrl: /d, format: txt, nodeName: e}
                \(Self.bomb)
                """
            let path = try cluster.file("bomb.yaml", manifest)
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await cluster.run(["apply", "-f", path])
            #expect(clock.now - start < .seconds(10))
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("excessive aliasing"), "\(result)")
            #expect(try await client.list(Dataset.self).items.isEmpty)
        }
    }

    @Test func aKubeconfigAliasBombIsRefused() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: KubeConfigError.self) {
            try KubeConfigFile(yaml: "apiVersion: v1\nkind: Config\n" + Self.bomb, directory: "/tmp")
        }
        #expect(clock.now - start < .seconds(1))
        #expect("\(error.map { "\($0)" } ?? "")".contains("excessive aliasing"))
    }
}
