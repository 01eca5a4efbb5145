import ArgumentParser
import DatasetScan
import EdgeAIPKI
import EdgeAIPeerTesting
import Crypto
import Foundation
import NIOSSL
import RemoteStore
#if canImport(Glibc)
import Glibc
#endif

/// `edgeai-bench remote`: RemoteStore against real peers on loopback, each beside a reference
/// tool in the same run. (1) a `--size-mib` file over HTTPS from nginx: Downloader (sha256 in the
/// same pass, fsync, rename) vs `curl -s -o`, throughput ratio and peak RSS growth; (2) a child
/// `edgeai-bench remote --fetch` killed with SIGKILL at ~50 % and run again: bytes nginx sent for
/// the resume vs the remainder; (3) a `--index-mb` txt index counted by RemoteCounter vs
/// `curl -s URL | wc -l`; (4) `--objects` objects under an S3 prefix in moto counted by
/// paginated listing vs boto3's paginator.
struct RemoteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remote", abstract: "Remote downloads and counts vs curl and boto3.")

    @Option(help: "Size of the downloaded file (MiB).") var sizeMib = 1024
    @Option(help: "Size of the txt index (MB).") var indexMb = 400
    @Option(help: "Objects under the S3 prefix (0 skips moto).") var objects = 10_000
    @Option(help: "Runs of each download/count (median reported).") var runs = 3
    @Flag(help: "Also time the download's stages and curl | sha256 pipelines, beside the reference.") var breakdown = false
    @Option(help: "Child mode: download this URL to --dest, printing progress lines.") var fetch: String?
    @Option(help: "Child mode: destination.") var dest: String?
    @Option(help: "Child mode: CA certificate PEM file.") var ca: String?

    func run() async throws {
        if let fetch, let dest, let ca { return try await child(fetch, dest, ca) }
        let dir = NSTemporaryDirectory() + "edgeai-bench-remote-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nginx = try await NginxPeer()
        defer { nginx.stop() }
        // curl and the resumed child verify nginx's certificate with this CA.
        try nginx.ca.certificatePEM.write(toFile: dir + "/ca.pem", atomically: true, encoding: .utf8)
        let client = RemoteClient(configuration: .init(tls: try nginx.tls()))
        do {
            try await measure(nginx: nginx, client: client, dir: dir)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(nginx: NginxPeer, client: RemoteClient, dir: String) async throws {
        let size = sizeMib << 20
        let caPath = dir + "/ca.pem"
        let digest = try writePattern(nginx.www + "/model.bin", bytes: size)
        let url = nginx.url("model.bin")
        say("remote: \(sizeMib) MiB over HTTPS from nginx on loopback, \(runs) runs each (median)")
        var curlTimes: [Double] = []
        var ourTimes: [Double] = []
        var growth: [Double] = []
        var parts = Breakdown()
        let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0))
        let source = try RemoteSource(location: RemoteLocation(parsing: url))
        for _ in 0..<runs {
            curlTimes.append(try timeProcess("/usr/bin/curl", ["-s", "--cacert", caPath, "-o", dir + "/curl.bin", url]))
            unlink(dir + "/curl.bin")
            try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
            let baseline = procStatus("VmRSS")
            let start = ContinuousClock.now
            _ = try await downloader.download(source, to: dir + "/ours.bin", expecting: digest)
            ourTimes.append((ContinuousClock.now - start).seconds)
            growth.append(max(0, procStatus("VmHWM") - baseline))
            unlink(dir + "/ours.bin")
            if breakdown { try await measureBreakdown(&parts, url: url, caPath: caPath, client: client, source: source) }
        }
        let mib = Double(size) / 1_048_576
        let curlRate = mib / median(curlTimes)
        let ourRate = mib / median(ourTimes)
        // Each run's own ratio too: curl's speed drifts from run to run on a shared host.
        let paired = zip(curlTimes, ourTimes).map { f($0 / $1, 2) }.joined(separator: ", ")
        say("  download: curl -s -o \(f(curlRate, 0)) MiB/s (reference), Downloader \(f(ourRate, 0)) MiB/s "
            + "(ratio \(f(ourRate / curlRate, 2)); run by run \(paired); sha256 checked, fsync and rename included); "
            + "peak RSS growth \(f(median(growth) / 1_048_576, 1)) MiB")
        if breakdown { reportBreakdown(parts, mib: mib, curlRate: curlRate) }

        // Kill -9 at ~50 %, then resume.
        let self_ = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let childDest = dir + "/child.bin"
        let first = Process()
        first.executableURL = URL(fileURLWithPath: self_)
        first.arguments = ["remote", "--fetch", url, "--dest", childDest, "--ca", caPath]
        let pipe = Pipe()
        first.standardOutput = pipe
        try first.run()
        var killedAt: Int64 = 0
        var pending = ""
        reading: while true {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            pending += String(decoding: data, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                pending = String(pending[pending.index(after: newline)...])
                if let done = Int64(line), done >= Int64(size / 2) {
                    kill(first.processIdentifier, SIGKILL)
                    killedAt = done
                    break reading
                }
            }
        }
        first.waitUntilExit()
        let partial = (try? FileManager.default.attributesOfItem(atPath: childDest + ".partial")[.size] as? Int64) ?? 0
        let second = Process()
        second.executableURL = URL(fileURLWithPath: self_)
        second.arguments = ["remote", "--fetch", url, "--dest", childDest, "--ca", caPath]
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        second.waitUntilExit()
        let sent = try nginx.accessEntries().last?.bytes ?? -1
        say("  kill -9 at \(f(Double(killedAt) * 100 / Double(size), 0)) % (\(partial) bytes on disk): the resume transferred "
            + "\(sent) bytes, remainder \(Int64(size) - partial) (difference \(sent - (Int64(size) - partial))); exit \(second.terminationStatus)")
        unlink(childDest)

        // A txt index counted over HTTPS vs curl | wc -l.
        let lines = try writeIndex(nginx.www + "/index.txt", megabytes: indexMb)
        let indexURL = nginx.url("index.txt")
        var wcTimes: [Double] = []
        var countTimes: [Double] = []
        var counted = 0
        let counter = RemoteCounter(client: client)
        for _ in 0..<runs {
            wcTimes.append(try timeProcess("/bin/sh", ["-c", "curl -s --cacert \(caPath) \(indexURL) | wc -l > /dev/null"]))
            let start = ContinuousClock.now
            if case .counted(let count) = try await counter.count(try RemoteSource(location: RemoteLocation(parsing: indexURL)), format: .txt) {
                counted = count.samples
            }
            countTimes.append((ContinuousClock.now - start).seconds)
        }
        say("  \(indexMb) MB txt index: curl | wc -l \(f(Double(indexMb) / median(wcTimes), 0)) MB/s (reference), RemoteCounter "
            + "\(f(Double(indexMb) / median(countTimes), 0)) MB/s (ratio \(f(median(wcTimes) / median(countTimes), 2))); "
            + "\(counted) samples, expected \(lines)")

        if objects > 0 { try await measureS3(dir: dir) }
    }

    private func measureS3(dir: String) async throws {
        // moto with signature checking on, the objects put during its setup. The prefix has no
        // "/": moto's signature check refuses a query with an encoded one (%2F), from any client.
        let moto = try await MotoPeer(bucket: "bench", generated: (prefix: "many-", count: objects))
        defer { moto.stop() }
        let script = """
            import sys, time, boto3
            s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:\(moto.port)", region_name="us-east-1",
                              aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2])
            times = []
            for _ in range(\(runs)):
                t = time.monotonic(); n = 0
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="many-"):
                    n += page.get("KeyCount", 0)
                times.append(time.monotonic() - t)
            times.sort(); print(n, times[len(times) // 2])
            """
        let output = try runCapturing("/usr/bin/env", ["python3", "-c", script, moto.credentials.accessKeyID, moto.credentials.secretAccessKey])
        let parts = output.split(separator: " ")
        let botoCount = parts.first.flatMap { Int($0) } ?? -1
        let botoTime = parts.dropFirst().first.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .nan
        let client = RemoteClient()
        let source = try moto.source("many-")
        var times: [Double] = []
        var count = 0
        do {
            for _ in 0..<runs {
                let start = ContinuousClock.now
                count = try await RemoteCounter(client: client).countPrefix(source).samples
                times.append((ContinuousClock.now - start).seconds)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        say("  S3 prefix of \(objects) objects in moto: boto3 paginator \(f(botoTime * 1000, 0)) ms (reference, \(botoCount) keys), "
            + "RemoteCounter \(f(median(times) * 1000, 0)) ms (ratio \(f(botoTime / median(times), 2))), \(count) counted")
    }

    /// Child mode: one download, printing bytes done per progress report.
    private func child(_ url: String, _ dest: String, _ ca: String) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        let client = RemoteClient(configuration: .init(tls: tls))
        let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0))
        do {
            _ = try await downloader.download(try RemoteSource(location: RemoteLocation(parsing: url)), to: dest) { p in
                FileHandle.standardOutput.write(Data("\(p.bytesDone)\n".utf8))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// Writes `bytes` of a fixed pseudo-random pattern; their SHA-256.
    private func writePattern(_ path: String, bytes: Int) throws -> ContentDigest {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        var hash = SHA256()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var state: UInt64 = 0x1234_5678
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<(bytes >> 20) {
            block.withUnsafeMutableBytes { raw in
                for i in 0..<(raw.count / 8) {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    raw.storeBytes(of: state, toByteOffset: i * 8, as: UInt64.self)
                }
            }
            hash.update(data: block)
            try handle.write(contentsOf: block)
        }
        return try ContentDigest(parsing: "sha256:" + SigV4Signer.hex(hash.finalize()))
    }

    private func writeIndex(_ path: String, megabytes: Int) throws -> Int {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var lines = 0
        var written = 0
        var chunk = ""
        while written < megabytes * 1_000_000 {
            chunk.removeAll(keepingCapacity: true)
            for _ in 0..<10_000 {
                chunk += "images/train/\(lines).jpg,label_\(lines % 1000)\n"
                lines += 1
            }
            written += chunk.utf8.count
            try handle.write(contentsOf: Data(chunk.utf8))
        }
        return lines
    }

    func timeProcess(_ executable: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(executable) \(arguments) failed") }
        return (ContinuousClock.now - start).seconds
    }

    private func runCapturing(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

