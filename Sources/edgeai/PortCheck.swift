#if canImport(Glibc)
import Glibc
#endif

/// The ports a command is about to listen on, checked before anything starts, so that a port
/// another process holds is one line naming the port and its flag rather than the socket layer's
/// wording from deep inside a server.
struct ListenPort {
    /// What listens there, as users know it ("the API server").
    var role: String
    /// The flag that sets it ("--port").
    var flag: String
    var host: String
    var port: Int

    /// The first port (not 0) that is already in use, if any. A host that is not an IPv4 address
    /// is not checked here: the server reports its own error.
    static func firstInUse(_ ports: [ListenPort]) -> ListenPort? {
        ports.first { $0.port != 0 && isInUse(host: $0.host, port: $0.port) }
    }

    /// The message for a port in use, prefixed with the command ("edgeai up").
    func inUseMessage(command: String) -> String {
        "\(command): port \(port) (\(role), \(flag)) is already in use on \(host); is another edgeai running? "
            + "Stop it, or choose another port (0 picks a free one)."
    }

    /// Whether binding `host:port` fails with "address in use" (with `SO_REUSEADDR`, as servers bind).
    static func isInUse(host: String, port: Int) -> Bool {
        #if canImport(Glibc)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound != 0 && errno == EADDRINUSE
        #else
        return false
        #endif
    }
}
