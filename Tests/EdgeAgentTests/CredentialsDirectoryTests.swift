import EdgeAIAPI
import EdgeAITesting
@testable import EdgeAgent
import Foundation
import RemoteStore
import Testing

/// `--credentials-dir`: Sedna's Secret shape as KEY=VALUE files, owner-only, never echoed.
@Suite(.timeLimit(.minutes(1)))
struct CredentialsDirectoryTests {
    static let secret = "s3cr3t/Value+With=Signs"

    func write(_ directory: TemporaryDirectory, _ name: String, _ text: String, mode: Int = 0o600) throws {
        let path = directory.path + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func parsesSednasShape() throws {
        let text = "# on-site MinIO\nACCESS_KEY_ID=AKID\r\nSECRET_ACCESS_KEY=\(Self.secret)\n s3-endpoint = minio.local:9000\ns3-usehttps=0\n\n"
        let access = try CredentialsDirectory.parse(Array(text.utf8), name: "minio", allowInsecureHTTP: true)
        #expect(access.credentials?.accessKeyID == "AKID" && access.credentials?.secretAccessKey == Self.secret)
        #expect(access.endpoint.host == "minio.local" && access.endpoint.port == 9000 && !access.endpoint.useHTTPS)
        #expect(access.endpoint.addressing == .path)
        // No key pair: anonymous; no endpoint: AWS.
        let anonymous = try CredentialsDirectory.parse(Array("s3-region=eu-west-1\n".utf8), name: "public", allowInsecureHTTP: false)
        #expect(anonymous.credentials == nil && anonymous.endpoint.host == "s3.eu-west-1.amazonaws.com")
    }

    @Test func refusesBadFilesWithoutEchoingThem() throws {
        func refusal(_ text: String, insecure: Bool = false) -> String? {
            do {
                _ = try CredentialsDirectory.parse(Array(text.utf8), name: "c", allowInsecureHTTP: insecure)
                return nil
            } catch {
                #expect(error.code == .invalidCredentials || error.code == .invalidEndpoint)
                return error.message
            }
        }
        let cases = [
            "ACCESS_KEY_ID=AKID\nSECRET_ACCESS_KEY \(Self.secret)\n",  // no `=`: the line is not echoed
            "ACCESS_KEY_ID=AKID\nPASSWORD=\(Self.secret)\n",  // unknown key
            "SECRET_ACCESS_KEY=\(Self.secret)\n",  // half a pair
            "ACCESS_KEY_ID=AKID\nSECRET_ACCESS_KEY=\(Self.secret)\ns3-endpoint=127.0.0.1:9000\ns3-usehttps=0\n",  // http without the flag
        ]
        for text in cases {
            let message = try #require(refusal(text))
            #expect(!message.contains(Self.secret), "\(message)")
            #expect(message.contains("c"))
        }
        #expect(refusal("ACCESS_KEY_ID=AKID\nSECRET_ACCESS_KEY 1\n")?.contains("line 2") == true)
    }

    @Test func readsOnlyOwnerOnlyRegularFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let body = "ACCESS_KEY_ID=AKID\nSECRET_ACCESS_KEY=\(Self.secret)\ns3-endpoint=s3.example.com\n"
        try write(directory, "good", body)
        try write(directory, "open", body, mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link", withDestinationPath: directory.path + "/good")
        try write(directory, "big", String(repeating: "#", count: CredentialsDirectory.maximumFileBytes + 1))
        let provider = CredentialsDirectory(path: directory.path)
        let good = try await provider.access(named: "good", namespace: "default")
        #expect(good.credentials?.secretAccessKey == Self.secret && good.endpoint.host == "s3.example.com")
        for (name, expected) in [("open", "chmod 600"), ("link", "symlink"), ("big", "larger than"), ("absent", "no credentials named absent"),
            ("../good", "not a DNS-1123 subdomain")]
        {
            do {
                _ = try await provider.access(named: name, namespace: "default")
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.code == .invalidCredentials)
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains(Self.secret))
            }
        }
        // Without a directory, every name is unknown.
        await #expect(throws: RemoteError.self) { _ = try await NoCredentials().access(named: "good", namespace: "default") }
    }

    @Test func remoteObservationsBecomeStatus() {
        let counted = DatasetObservation.remoteCounted(RemoteCount(samples: 3, bytes: 12, source: "s3://b/k", version: "\"e1\""))
        let status = counted.status(generation: 2, now: Time.now(), previous: nil)
        #expect(status.numberOfSamples == 3 && status.sizeBytes == 12 && status.source == "s3://b/k" && status.version == "\"e1\"")
        #expect(status.conditions?[type: "Ready"]?.status == "True")
        let failed = DatasetObservation.remoteFailed(RemoteFailure(reason: "AccessDenied", message: "refused", source: "s3://b/k"))
        let refused = failed.status(generation: 2, now: Time.now(), previous: status)
        #expect(refused.numberOfSamples == nil && refused.version == nil && refused.source == "s3://b/k")
        #expect(refused.conditions?[type: "Ready"]?.reason == "AccessDenied" && failed.failureReason == "AccessDenied")
        #expect(RemoteLook.reason(.accessDenied) == "AccessDenied" && RemoteLook.reason(.transport) == "Unreachable")
        let location = try? RemoteLocation(parsing: "https://h.example:8443/a/b.txt?X-Amz-Signature=x")
        #expect(location.map(RemoteLook.sourceName) == "https://h.example:8443/a/b.txt")
    }
}
