package import EdgeAIPKI
package import EdgeAITesting
import Foundation
package import NIOSSL
package import RemoteStore

#if canImport(Glibc)
import Glibc
#endif

/// Real peers for the RemoteStore and EdgeAgent tests: nginx (HTTPS with Range) and moto's S3 server.
/// A test needing one is enabled when the binary is present, or when `EDGEAI_REQUIRE_PEERS=1`
/// (then a missing binary fails the test with the install command).
package enum Peers {
    package static let required = ProcessInfo.processInfo.environment["EDGEAI_REQUIRE_PEERS"] == "1"
    package static let nginxInstall = "apt-get install -y nginx-light"
    package static let motoInstall = "pip install 'moto[server]' boto3"

    package static var nginx: String? { executable("nginx", extra: ["/usr/sbin", "/sbin"]) }
    package static var moto: String? { executable("moto_server") }
    package static var python: String? { executable("python3") }

    package static var nginxEnabled: Bool { nginx != nil || required }
    package static var motoEnabled: Bool { (moto != nil && python != nil) || required }

    package struct Missing: Error, CustomStringConvertible {
        package var description: String
        package init(description: String) { self.description = description }
    }

    package static func require(_ path: String?, install: String) throws -> String {
        guard let path else { throw Missing(description: "peer binary missing: install it with `\(install)`") }
        return path
    }

    package static func executable(_ name: String, extra: [String] = []) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for dir in path + extra {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }


    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    package static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// One child process, stopped by ``stop()`` (SIGTERM, then waited for).
package final class PeerProcess: @unchecked Sendable {
    let process = Process()
    package let name: String

    package init(name: String, executable: String, arguments: [String], environment: [String: String] = [:], log: String) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    package var isRunning: Bool { process.isRunning }

    /// SIGKILL, whatever `isRunning` says (it can lag behind the child when many processes are
    /// spawned at once), then waits for the exit.
    package func kill9() {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGKILL: children of the test process may inherit a blocked SIGTERM.
    package func stop() { kill9() }
}

/// nginx serving `www` over HTTPS on a loopback port with a certificate from an EdgeAIPKI CA.
/// `/slow/` is rate-limited; `/cut/` is rate-limited (256 KiB/s) for requests without a Range
/// header only, so a transfer cut early cannot have reached the client's socket buffers whole
/// however slowly the client reads, and its resumption runs at full speed. The access log records
/// `uri status body_bytes_sent range`.
package final class NginxPeer: @unchecked Sendable {
    package let directory: TemporaryDirectory
    package let port: Int
    package let ca: CertificateAuthority
    package var www: String { directory.path + "/www" }
    package var accessLog: String { directory.path + "/access.log" }
    private var process: PeerProcess?
    package let slowRate: String

    package init(slowRate: String = "64k") async throws {
        let binary = try Peers.require(Peers.nginx, install: Peers.nginxInstall)
        directory = try TemporaryDirectory(prefix: "edgeai-nginx")
        port = try freeLoopbackPort()
        self.slowRate = slowRate
        ca = try CertificateAuthority.generate()
        let serving = try ca.issueServingCertificate(hosts: ["127.0.0.1", "localhost"])
        let dir = directory.path
        for folder in ["slow", "cut"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/www/\(folder)", withIntermediateDirectories: true)
        }
        try serving.certificatePEM.write(toFile: "\(dir)/cert.pem", atomically: true, encoding: .utf8)
        try serving.privateKeyPEM.write(toFile: "\(dir)/key.pem", atomically: true, encoding: .utf8)
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            events { worker_connections 64; }
            http {
                log_format bytes '$uri $status $body_bytes_sent "$http_range"';
                access_log \(dir)/access.log bytes;
                client_body_temp_path \(dir)/tmp-body;
                proxy_temp_path \(dir)/tmp-proxy;
                fastcgi_temp_path \(dir)/tmp-fastcgi;
                uwsgi_temp_path \(dir)/tmp-uwsgi;
                scgi_temp_path \(dir)/tmp-scgi;
                sendfile on;
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(dir)/cert.pem;
                    ssl_certificate_key \(dir)/key.pem;
                    root \(dir)/www;
                    location /slow/ { limit_rate \(slowRate); }
                    location /cut/ {
                        limit_rate 256k;
                        if ($http_range != "") { set $limit_rate 0; }
                    }
                }
            }
            """
        try config.write(toFile: "\(dir)/nginx.conf", atomically: true, encoding: .utf8)
        self.binary = binary
        try await start()
    }

    private let binary: String

    package func start() async throws {
        let dir = directory.path
        process = try PeerProcess(name: "nginx", executable: binary,
            arguments: ["-p", dir, "-c", "\(dir)/nginx.conf", "-e", "\(dir)/error.log"], log: "\(dir)/stdout.log")
        let port = self.port
        try await eventually("nginx to listen on \(port)", timeout: .seconds(20)) { Peers.accepts(port) }
    }

    package func kill9() { process?.kill9() }

    package func stop() {
        process?.stop()
        directory.remove()
    }

    package func url(_ path: String) -> String { "https://127.0.0.1:\(port)/\(path)" }

    package func source(_ path: String) throws -> RemoteSource {
        try RemoteSource(location: RemoteLocation(parsing: url(path)))
    }

    package func tls() throws -> TLSConfiguration { try ca.clientTLSConfiguration() }

    /// Writes a file under www.
    package func put(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: "\(www)/\(path)"))
    }

    /// Access-log lines so far: (uri, status, bytes sent, range header).
    package func accessEntries() throws -> [(uri: String, status: Int, bytes: Int64, range: String)] {
        guard let text = try? String(contentsOfFile: accessLog, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4, let status = Int(parts[1]), let bytes = Int64(parts[2]) else { return nil }
            return (parts[0], status, bytes, parts[3].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }
}
