import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 (port 0) to an upstream port, whose connections the test can cut,
/// and which can refuse new connections while "down". Blocking sockets on threads: test only.
final class TCPProxy: Sendable {
    struct State {
        var connections: Set<Int32> = []
        var refusing = false
        var closed = false
        var accepted = 0
        var upstreamPort: Int
    }

    let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    init(upstreamPort: Int) throws {
        state = Mutex(State(upstreamPort: upstreamPort))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }

    /// Sends new connections to another upstream port (a restarted server).
    func retarget(upstreamPort: Int) {
        state.withLock { $0.upstreamPort = upstreamPort }
    }

    /// Breaks every open connection (both directions), as a proxy or NAT dropping them would.
    func cutAll() {
        let fds = state.withLock { s in
            let fds = s.connections
            s.connections = []
            return fds
        }
        for fd in fds { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// While refusing, new connections are closed at once (the server looks down).
    func setRefusing(_ refusing: Bool) {
        state.withLock { $0.refusing = refusing }
        if refusing { cutAll() }
    }

    func close() {
        state.withLock { $0.closed = true }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        cutAll()
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if state.withLock({ $0.closed }) { Glibc.close(listener); return }
                continue
            }
            let (refusing, upstreamPort) = state.withLock { s in
                s.accepted += 1
                return (s.refusing || s.closed, s.upstreamPort)
            }
            if refusing {
                Glibc.close(client)
                continue
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(upstreamPort).bigEndian
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected != 0 {
                Glibc.close(client)
                Glibc.close(upstream)
                continue
            }
            state.withLock { s in
                s.connections.insert(client)
                s.connections.insert(upstream)
            }
            let pumps = Mutex(2)
            for (from, to) in [(client, upstream), (upstream, client)] {
                Thread { [self] in
                    pump(from: from, to: to)
                    Glibc.shutdown(to, Int32(SHUT_RDWR))
                    Glibc.shutdown(from, Int32(SHUT_RDWR))
                    let last = pumps.withLock { n in
                        n -= 1
                        return n == 0
                    }
                    if last {
                        state.withLock { s in
                            s.connections.remove(client)
                            s.connections.remove(upstream)
                        }
                        Glibc.close(client)
                        Glibc.close(upstream)
                    }
                }.start()
            }
        }
    }

    private func pump(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if m <= 0 { return }
                sent += m
            }
        }
    }
}
