package import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `edgeai healthz --port N`: the edge agent's liveness probe. The agent's local API listens on
/// the pod's loopback only, which the kubelet cannot reach, so the DaemonSet runs this inside the
/// container: `GET http://127.0.0.1:N/healthz`, exit 0 on a 200 answer, 1 otherwise (one line on
/// stderr saying why). Bounded: a 5-second timeout on connect and read, at most 4 KiB read.
package struct Healthz: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "healthz", abstract: "Probe the edge agent's local API (exit 0 when it answers 200 on /healthz).")

    @Option(help: "Port of the agent's local API on 127.0.0.1.")
    var port: Int = 7070

    @Option(help: "Seconds to wait for the connection and the answer.")
    var timeoutSeconds: Int = 5

    package init() {}

    package func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535, got \(port)") }
        guard (1...60).contains(timeoutSeconds) else { throw ValidationError("--timeout-seconds must be 1-60") }
    }

    package func run() throws {
        switch Self.probe(port: port, timeoutSeconds: timeoutSeconds) {
        case .success: return
        case .failure(let error):
            printError("edgeai healthz: http://127.0.0.1:\(port)/healthz: \(error.message)")
            throw ExitCode.failure
        }
    }

    struct ProbeError: Error { var message: String }

    /// One HTTP/1.0 GET over a blocking socket (this process does nothing else).
    static func probe(port: Int, timeoutSeconds: Int) -> Result<Void, ProbeError> {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return .failure(ProbeError(message: "socket: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return .failure(ProbeError(message: "connect: \(String(cString: strerror(errno)))")) }
        let request = Array("GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { return .failure(ProbeError(message: "send: \(String(cString: strerror(errno)))")) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while answer.count < 4096, !answer.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 { return .failure(ProbeError(message: "read: \(String(cString: strerror(errno)))")) }
            if count == 0 { break }
            answer.append(contentsOf: buffer[0..<count])
        }
        let statusLine = String(decoding: answer.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else {
            return .failure(ProbeError(message: "not an HTTP answer"))
        }
        guard parts[1] == "200" else { return .failure(ProbeError(message: "answered \(parts.dropFirst().joined(separator: " "))")) }
        return .success(())
    }
}
