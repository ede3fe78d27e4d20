import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// Reading which TCP ports a process listens on: the /proc/net/tcp parser on fixture text, and
/// the whole path (fd links to inodes to LISTEN lines) on this test process's own sockets.
@Suite("ListeningPorts")
struct ListeningPortsTests {
    /// Lines in the kernel's format: two listeners, an established connection, a listener of
    /// another process (inode 0 never matches), and a line that does not parse.
    static let tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:15C9 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41235 1 0000000000000000 100 0 0 10 0
           1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41236 1 0000000000000000 100 0 0 10 0
           2: 0100007F:15C9 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 41240 1 0000000000000000 20 4 30 10 -1
           3: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 100 0 0 10 0
           4: garbage
        """

    static let tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000001000000:15CA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 51001 1 0000000000000000 100 0 0 10 0
           1: 00000000000000000000000000000000:15CB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 51002 1 0000000000000000 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:15CC 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 51003 1 0000000000000000 100 0 0 10 0
        """

    #if _endian(little)
    @Test("tcp: only LISTEN lines with an inode; addresses in host byte order, ports in hex")
    func parseIPv4() {
        #expect(ListeningPorts.parse(Self.tcp) == [
            ListeningSocket(address: "127.0.0.1", port: 5577, inode: 41235),
            ListeningSocket(address: "0.0.0.0", port: 8080, inode: 41236),
        ])
    }

    @Test("tcp6: loopback, the wildcard, and an IPv4-mapped address written as IPv4")
    func parseIPv6() {
        #expect(ListeningPorts.parse(Self.tcp6) == [
            ListeningSocket(address: "::1", port: 5578, inode: 51001),
            ListeningSocket(address: "::", port: 5579, inode: 51002),
            ListeningSocket(address: "127.0.0.1", port: 5580, inode: 51003),
        ])
    }
    #endif

    @Test("the header, empty text and malformed addresses give nothing")
    func parseNothing() {
        #expect(ListeningPorts.parse("").isEmpty)
        #expect(ListeningPorts.parse(String(Self.tcp.split(separator: "\n")[0])).isEmpty)
        #expect(ListeningPorts.parseLine("   0: 0100007:15C9 00000000:0000 0A 0:0 0:0 0 0 0 7 1") == nil, "7 hex digits")
        #expect(ListeningPorts.parseLine("   0: 0100007F:XYZ 00000000:0000 0A 0:0 0:0 0 0 0 7 1") == nil, "bad port")
    }

    @Test("wildcard sockets are reachable at any address; others only at their own")
    func reachability() {
        let wildcard = ListeningSocket(address: "0.0.0.0", port: 1, inode: 1)
        let loopback = ListeningSocket(address: "127.0.0.1", port: 2, inode: 2)
        #expect(wildcard.isReachable(at: "10.0.0.5") && wildcard.isReachable(at: "127.0.0.1"))
        #expect(ListeningSocket(address: "::", port: 3, inode: 3).isWildcard)
        #expect(loopback.isReachable(at: "127.0.0.1") && !loopback.isReachable(at: "10.0.0.5"))
        #expect(loopback.isReachable(at: nil), "a host name: let the probe decide")
        #expect(ListeningPorts.canonicalAddress("::ffff:127.0.0.1") == "127.0.0.1")
        #expect(ListeningPorts.canonicalAddress("[::1]") == "::1")
        #expect(ListeningPorts.canonicalAddress("localhost") == nil)
    }

    @Test("a listener blocks a bind on the same port when either address is a wildcard or both are the same")
    func blocking() {
        let loopback = ListeningSocket(address: "127.0.0.1", port: 7200, inode: 1)
        #expect(loopback.blocks(address: "127.0.0.1", port: 7200))
        #expect(loopback.blocks(address: "0.0.0.0", port: 7200))
        #expect(loopback.blocks(address: "::ffff:127.0.0.1", port: 7200))
        #expect(loopback.blocks(address: nil, port: 7200))
        #expect(loopback.blocks(address: "mainpc.local", port: 7200))
        #expect(!loopback.blocks(address: "10.0.0.5", port: 7200))
        #expect(!loopback.blocks(address: "127.0.0.1", port: 7201))
        let any = ListeningSocket(address: "::", port: 7200, inode: 2)
        #expect(any.blocks(address: "10.0.0.5", port: 7200))
    }

    @Test("fd link targets: socket inodes only")
    func socketLinks() {
        #expect(ListeningPorts.socketInode(inLink: "socket:[41235]") == 41235)
        #expect(ListeningPorts.socketInode(inLink: "pipe:[41235]") == nil)
        #expect(ListeningPorts.socketInode(inLink: "/dev/null") == nil)
        #expect(ListeningPorts.socketInode(inLink: "socket:[]") == nil)
    }

    @Test("this process's listening socket is found from /proc, a connected one is not")
    func ownSockets() throws {
        let listener = try LoopbackListener()
        let other = try LoopbackListener()
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(other.port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(client, $0, &length) }
        }
        let clientPort = Int(UInt16(bigEndian: local.sin_port))
        let sockets = ListeningPorts.sockets(of: [getpid()])
        #expect(sockets.contains { $0.port == listener.port && $0.address == "127.0.0.1" }, "\(sockets)")
        let ports = ListeningPorts.ports(of: [getpid()], reachableAt: "127.0.0.1")
        #expect(ports.contains(listener.port) && ports.contains(other.port))
        #expect(ports == ports.sorted())
        #expect(!ports.contains(clientPort), "a connected socket is not listening")
        #expect(!ListeningPorts.ports(of: [getpid()], reachableAt: "10.255.0.1").contains(listener.port))
        #expect(ListeningPorts.sockets(of: [Int32.max]).isEmpty, "no such process")
    }

    @Test("descendants: an agent's child and grandchild are found through /proc children lists")
    func descendants() throws {
        let directory = try TemporaryDirectory()
        let launcher = AgentLauncher(baseDirectory: directory.path, inheritedEnvironment: ["PATH": "/usr/bin:/bin"])
        let spec = AgentSpec(name: "tree", host: "mainpc", command: ["/bin/sh", "-c", "sleep 30 & wait"])
        guard case .success(let process) = launcher.launch(spec) else {
            Issue.record("cannot launch")
            return
        }
        let child = LaunchedChild(process)
        defer { child.cleanup() }
        #expect(waitUntil { ProcessSampler.descendants(of: child.pid).count == 2 })
        #expect(ProcessSampler.descendants(of: child.pid).first == child.pid)
        #expect(ProcessSampler.descendants(of: child.pid, limit: 1) == [child.pid])
    }
}
