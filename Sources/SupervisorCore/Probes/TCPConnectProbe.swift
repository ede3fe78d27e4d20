import Foundation
import SupervisorModel

/// A non-blocking TCP connect, the `tcp` health check.
enum TCPConnectProbe {
    enum Start {
        case connected
        case refused(String)
        case pending(Int32)
    }

    static func begin(address: String, port: Int) -> Start {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &list) == 0, let info = list else {
            return .refused("cannot resolve \(address)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .refused("socket: \(String(cString: strerror(errno)))") }
        if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
            close(fd)
            return .connected
        }
        let code = errno
        if code == EINPROGRESS || code == EINTR { return .pending(fd) }
        close(fd)
        return .refused("connect to \(address):\(port): \(String(cString: strerror(code)))")
    }

    /// Whether something accepts TCP connections on address:port, waiting at most `timeout`.
    /// (A loopback refusal can still arrive asynchronously, after EINPROGRESS.)
    static func accepts(address: String, port: Int, timeout: TimeInterval) -> Bool {
        switch begin(address: address, port: port) {
        case .connected: return true
        case .refused: return false
        case .pending(let fd):
            var item = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&item, 1, Int32(min(max(0, timeout * 1000), Double(Int32.max)))) > 0 else {
                close(fd)
                return false
            }
            return finish(fd).isHealthy
        }
    }

    /// The connect's outcome if it has finished (the socket is then closed), nil while pending.
    static func check(_ fd: Int32) -> ProbeOutcome? {
        var item = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&item, 1, 0) > 0 else { return nil }
        return finish(fd)
    }

    /// The socket became writable: the connect finished, one way or the other.
    static func finish(_ fd: Int32) -> ProbeOutcome {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        close(fd)
        return error == 0 ? .healthy : .notReady("connect: \(String(cString: strerror(error)))")
    }
}
