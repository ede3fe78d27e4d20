import Foundation
import SupervisorModel

/// Which TCP ports other processes already listen on, from `/proc/net/tcp` and `tcp6`, and
/// who they are (`/proc/<pid>/fd` links to `socket:[inode]`). Where `/proc/net` cannot be
/// read, a port is tried by binding it (and closing at once).
struct PortUsage {
    /// Hosts whose supervisor runs now, with its pid: their agents hold their own ports, so
    /// those ports are not checked.
    let running: [String: String]
    let listening: [ListeningSocket]?

    init(running: [String: String]) {
        self.running = running
        let texts = ["/proc/net/tcp", "/proc/net/tcp6"].compactMap(ProcFile.wholeText)
        listening = texts.isEmpty ? nil : texts.flatMap { ListeningPorts.parse($0) }
    }

    /// Said once per host whose ports were not checked.
    var skipped: [String] {
        running.sorted { $0.key < $1.key }.map { host, pid in
            "host \(host): ports not checked, its supervisor is running (pid \(pid)) and its agents hold their own ports"
        }
    }

    /// One finding per port of `spec` (its `port`, its `health.port`) that another process holds.
    func issues(of spec: AgentSpec, bindAddress: String?, manifest: Manifest) -> [ManifestIssue] {
        guard running[spec.host] == nil else { return [] }
        var issues: [ManifestIssue] = []
        var seen: Set<Int> = []
        for (key, port) in [("port", spec.port), ("health.port", spec.health.port)] {
            guard let port, seen.insert(port).inserted, let holder = holder(of: port, address: bindAddress) else { continue }
            issues.append(ManifestIssue(
                .error, .portInUse, file: manifest.file, line: manifest.line(of: spec.name, key: key), agent: spec.name,
                key: key, message: "port \(port) is already in use: \(holder); the agent could not bind it (EADDRINUSE)"))
        }
        return issues
    }

    /// "127.0.0.1:7200 is listened on by pid 4242 (python3 -m http.server 7200)", or nil when
    /// the port is free.
    func holder(of port: Int, address: String?) -> String? {
        guard let listening else { return Self.tryBind(port: port, address: address) }
        guard let socket = listening.first(where: { $0.blocks(address: address, port: port) }) else { return nil }
        let place = socket.address.contains(":") ? "[\(socket.address)]:\(socket.port)" : "\(socket.address):\(socket.port)"
        guard let owner = Self.owner(ofSocket: socket.inode) else {
            return "\(place) is listened on by a process this user cannot see"
        }
        return "\(place) is listened on by pid \(owner.pid) (\(owner.command))"
    }

    /// The process holding a socket inode, among those whose fds this user can read.
    static func owner(ofSocket inode: UInt64) -> (pid: Int32, command: String)? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), ListeningPorts.socketInodes(of: pid).contains(inode) else { continue }
            return (pid, ProcessSampler.commandLine(pid))
        }
        return nil
    }

    /// Without /proc/net: bind the port (SO_REUSEADDR, so a closing connection does not count).
    static func tryBind(port: Int, address: String?) -> String? {
        let ipv6 = address?.contains(":") == true
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if ipv6 {
            var address6 = sockaddr_in6()
            address6.sin6_family = sa_family_t(AF_INET6)
            address6.sin6_port = in_port_t(UInt16(port).bigEndian)
            if let address, address != "::" { _ = inet_pton(AF_INET6, address, &address6.sin6_addr) }
            result = withUnsafePointer(to: &address6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address4 = sockaddr_in()
            address4.sin_family = sa_family_t(AF_INET)
            address4.sin_port = in_port_t(UInt16(port).bigEndian)
            if let address, inet_pton(AF_INET, address, &address4.sin_addr) != 1 { address4.sin_addr.s_addr = 0 }
            result = withUnsafePointer(to: &address4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result != 0 else { return nil }
        let code = errno
        return code == EADDRINUSE ? "binding \(address ?? "0.0.0.0"):\(port) fails with EADDRINUSE" : nil
    }
}
