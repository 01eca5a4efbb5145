import ArgumentParser
import DatasetScan
import EdgeAIPKI
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
        try FileManager.default.createDirectory(atPath: dir + "/www", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nginx = try BenchNginx(directory: dir)
        defer { nginx.stop() }
        let client = RemoteClient(configuration: .init(tls: try nginx.tls()))
        do {
            try await measure(nginx: nginx, client: client, dir: dir)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func measure(nginx: BenchNginx, client: RemoteClient, dir: String) async throws {
        let size = sizeMib << 20
        try writePattern(dir + "/www/model.bin", bytes: size)
        let url = nginx.url("model.bin")
        say("remote: \(sizeMib) MiB over HTTPS from nginx on loopback, \(runs) runs each (median)")
        var curlTimes: [Double] = []
        var ourTimes: [Double] = []
        var growth: [Double] = []
        var parts = Breakdown()
        let downloader = Downloader(client: client, configuration: .init(reserveBytes: 0))
        let source = try RemoteSource(location: RemoteLocation(parsing: url))
        for _ in 0..<runs {
            curlTimes.append(try timeProcess("/usr/bin/curl", ["-s", "--cacert", nginx.caPath, "-o", dir + "/curl.bin", url]))
            unlink(dir + "/curl.bin")
            try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
            let baseline = procStatus("VmRSS")
            let start = ContinuousClock.now
            _ = try await downloader.download(source, to: dir + "/ours.bin")
            ourTimes.append((ContinuousClock.now - start).seconds)
            growth.append(max(0, procStatus("VmHWM") - baseline))
            unlink(dir + "/ours.bin")
            if breakdown { try await measureBreakdown(&parts, url: url, caPath: nginx.caPath, client: client, source: source) }
        }
        let mib = Double(size) / 1_048_576
        let curlRate = mib / median(curlTimes)
        let ourRate = mib / median(ourTimes)
        say("  download: curl -s -o \(f(curlRate, 0)) MiB/s (reference), Downloader \(f(ourRate, 0)) MiB/s "
            + "(ratio \(f(ourRate / curlRate, 2)), sha256 + fsync + rename included); peak RSS growth \(f(median(growth) / 1_048_576, 1)) MiB")
        if breakdown { reportBreakdown(parts, mib: mib, curlRate: curlRate) }

        // Kill -9 at ~50 %, then resume.
        let self_ = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let childDest = dir + "/child.bin"
        let first = Process()
        first.executableURL = URL(fileURLWithPath: self_)
        first.arguments = ["remote", "--fetch", url, "--dest", childDest, "--ca", nginx.caPath]
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
        second.arguments = ["remote", "--fetch", url, "--dest", childDest, "--ca", nginx.caPath]
        second.standardOutput = FileHandle.nullDevice
        try second.run()
        second.waitUntilExit()
        let sent = nginx.lastBytesSent()
        say("  kill -9 at \(f(Double(killedAt) * 100 / Double(size), 0)) % (\(partial) bytes on disk): the resume transferred "
            + "\(sent) bytes, remainder \(Int64(size) - partial) (difference \(sent - (Int64(size) - partial))); exit \(second.terminationStatus)")
        unlink(childDest)

        // A txt index counted over HTTPS vs curl | wc -l.
        let lines = try writeIndex(dir + "/www/index.txt", megabytes: indexMb)
        let indexURL = nginx.url("index.txt")
        var wcTimes: [Double] = []
        var countTimes: [Double] = []
        var counted = 0
        let counter = RemoteCounter(client: client)
        for _ in 0..<runs {
            wcTimes.append(try timeProcess("/bin/sh", ["-c", "curl -s --cacert \(nginx.caPath) \(indexURL) | wc -l > /dev/null"]))
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
        let port = Int.random(in: 40_000..<60_000)
        let moto = Process()
        moto.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        moto.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
        moto.standardOutput = FileHandle.nullDevice
        moto.standardError = FileHandle.nullDevice
        try moto.run()
        defer {
            // A child of this process inherits its blocked SIGTERM.
            kill(moto.processIdentifier, SIGKILL)
            moto.waitUntilExit()
        }
        let script = """
            import sys, time, boto3, concurrent.futures
            ep = "http://127.0.0.1:\(port)"
            for _ in range(300):
                try:
                    s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")
                    s3.create_bucket(Bucket="bench"); break
                except Exception: time.sleep(0.1)
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda i: s3.put_object(Bucket="bench", Key="many/%06d" % i, Body=b"x"), range(\(objects))))
            times = []
            for _ in range(\(runs)):
                t = time.monotonic(); n = 0
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench", Prefix="many/"):
                    n += page.get("KeyCount", 0)
                times.append(time.monotonic() - t)
            times.sort(); print(n, times[len(times) // 2])
            """
        let output = try runCapturing("/usr/bin/env", ["python3", "-c", script])
        let parts = output.split(separator: " ")
        let botoCount = parts.first.flatMap { Int($0) } ?? -1
        let botoTime = parts.dropFirst().first.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .nan
        let client = RemoteClient()
        let endpoint = try S3Endpoint(useHTTPS: false, host: "127.0.0.1", port: port, allowInsecureHTTP: true)
        let source = try RemoteSource(location: .s3(bucket: "bench", key: "many/"), endpoint: endpoint,
            credentials: S3Credentials(accessKeyID: "bench", secretAccessKey: "bench"))
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

    private func writePattern(_ path: String, bytes: Int) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
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
            try handle.write(contentsOf: block)
        }
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

/// nginx serving `<directory>/www` over HTTPS on a random loopback port (benchmark only).
final class BenchNginx {
    let directory: String
    let port: Int
    let process = Process()
    let ca: CertificateAuthority
    var caPath: String { directory + "/ca.pem" }

    init(directory: String) throws {
        self.directory = directory
        port = Int.random(in: 20_000..<40_000)
        ca = try CertificateAuthority.generate()
        let serving = try ca.issueServingCertificate(hosts: ["127.0.0.1"])
        try ca.certificatePEM.write(toFile: caPath, atomically: true, encoding: .utf8)
        try serving.certificatePEM.write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try serving.privateKeyPEM.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
        let d = directory
        let config = """
            daemon off; master_process off; worker_processes 1; pid \(d)/nginx.pid; error_log \(d)/error.log warn;
            events { worker_connections 64; }
            http {
                log_format bytes '$uri $status $body_bytes_sent'; access_log \(d)/access.log bytes;
                client_body_temp_path \(d)/t1; proxy_temp_path \(d)/t2; fastcgi_temp_path \(d)/t3; uwsgi_temp_path \(d)/t4; scgi_temp_path \(d)/t5;
                server { listen 127.0.0.1:\(port) ssl; ssl_certificate \(d)/cert.pem; ssl_certificate_key \(d)/key.pem; root \(d)/www; }
            }
            """
        try config.write(toFile: d + "/nginx.conf", atomically: true, encoding: .utf8)
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let binary else { throw ValidationError("nginx not installed: apt-get install -y nginx-light") }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"]
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !FileManager.default.fileExists(atPath: d + "/nginx.pid") { usleep(10_000) }
    }

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)/\(path)" }

    func tls() throws -> TLSConfiguration { try ca.clientTLSConfiguration() }

    func lastBytesSent() -> Int64 {
        let text = (try? String(contentsOfFile: directory + "/access.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.flatMap { $0.split(separator: " ").last }.flatMap { Int64($0) } ?? -1
    }

    /// SIGKILL: a child of this process inherits its blocked SIGTERM, so nginx would ignore it.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
