import Crypto
import Foundation
import NIOCore
import RemoteStore

/// `edgeai-bench remote --breakdown`: where a verified download's time goes, measured beside the
/// reference in the same run. Shell pipelines for what the tools do on this machine (curl without
/// a file, curl piped into coreutils' `sha256sum` and into `openssl dgst -sha256`) and the
/// download's own stages through the same `RemoteClient` (the body drained with nothing done to
/// it, then with SHA-256 and no file).
extension RemoteBench {
    struct Breakdown {
        var curlNull: [Double] = []
        var curlSha256sum: [Double] = []
        var curlOpenSSL: [Double] = []
        var drain: [Double] = []
        var drainHash: [Double] = []
    }

    func measureBreakdown(_ into: inout Breakdown, url: String, caPath: String, client: RemoteClient, source: RemoteSource)
        async throws
    {
        let curl = "curl -s --cacert \(caPath) \(url)"
        into.curlNull.append(try timeProcess("/bin/sh", ["-c", "\(curl) -o /dev/null"]))
        into.curlSha256sum.append(try timeProcess("/bin/sh", ["-c", "\(curl) | sha256sum > /dev/null"]))
        into.curlOpenSSL.append(try timeProcess("/bin/sh", ["-c", "\(curl) | openssl dgst -sha256 > /dev/null"]))
        into.drain.append(try await drain(client, source, hash: false))
        into.drainHash.append(try await drain(client, source, hash: true))
    }

    /// One GET whose body is read to the end (and hashed when `hash`), in seconds.
    private func drain(_ client: RemoteClient, _ source: RemoteSource, hash: Bool) async throws -> Double {
        let start = ContinuousClock.now
        let response = try await client.get(source)
        var sha = SHA256()
        try await response.forEachChunk { chunk in
            if hash { chunk.withUnsafeReadableBytes { sha.update(bufferPointer: $0) } }
        }
        _ = sha.finalize()
        let (s, atto) = (ContinuousClock.now - start).components
        return Double(s) + Double(atto) / 1e18
    }

    func reportBreakdown(_ b: Breakdown, mib: Double, curlRate: Double) {
        func line(_ what: String, _ times: [Double]) -> String {
            let rate = mib / median(times)
            return "    \(what): \(f(rate, 0)) MiB/s (\(f(rate / curlRate, 2))× curl -s -o)"
        }
        say("  breakdown (same nginx, same file):")
        say(line("curl -s -o /dev/null (no file)", b.curlNull))
        say(line("curl -s | sha256sum (coreutils)", b.curlSha256sum))
        say(line("curl -s | openssl dgst -sha256", b.curlOpenSSL))
        say(line("RemoteClient body drained, no hash, no file", b.drain))
        say(line("RemoteClient body + SHA-256, no file", b.drainHash))
    }
}
