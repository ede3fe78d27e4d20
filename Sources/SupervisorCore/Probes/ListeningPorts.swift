import Foundation

/// A TCP socket in the LISTEN state, from one line of /proc/net/tcp or /proc/net/tcp6.
struct ListeningSocket: Equatable, Sendable {
    /// The local address as text: `127.0.0.1`, `0.0.0.0`, `::`, `::1`; an IPv4-mapped IPv6
    /// address (`::ffff:127.0.0.1`) is written as the IPv4 address.
    var address: String
    var port: Int
    /// The socket's inode, as in the `socket:[INODE]` links of /proc/<pid>/fd.
    var inode: UInt64

    /// Bound to every address (`0.0.0.0` or `::`).
    var isWildcard: Bool { address == "0.0.0.0" || address == "::" }

    /// Whether a connection to `address` reaches this socket (nil: not a numeric address,
    /// so any socket may).
    func isReachable(at canonicalAddress: String?) -> Bool {
        guard let canonicalAddress else { return true }
        return isWildcard || address == canonicalAddress
    }

    /// True when binding `address:port` would fail with EADDRINUSE because of this socket: the
    /// same port, and the same address or a wildcard on either side (nil or a host name:
    /// taken to overlap).
    func blocks(address bound: String?, port wanted: Int) -> Bool {
        guard wanted == port else { return false }
        guard let bound, let canonical = ListeningPorts.canonicalAddress(bound) else { return true }
        return isWildcard || canonical == "0.0.0.0" || canonical == "::" || canonical == address
    }
}

/// The TCP ports a set of processes listens on, read from /proc only: the socket inodes in
/// /proc/<pid>/fd (links `socket:[INODE]`) matched against the LISTEN lines (state `0A`) of
/// /proc/<pid>/net/tcp and tcp6. The cost is bounded by the processes' own descriptors and the
/// sockets of their network namespace; nothing is run.
enum ListeningPorts {
    /// The LISTEN state in /proc/net/tcp.
    static let listenState = "0A"

    /// The ports of `pids`' listening sockets that a connection to `address` reaches, ascending.
    static func ports(of pids: [Int32], reachableAt address: String) -> [Int] {
        let canonical = canonicalAddress(address)
        let ports = sockets(of: pids).filter { $0.isReachable(at: canonical) }.map(\.port)
        return Array(Set(ports)).sorted()
    }

    /// The listening sockets held by `pids`.
    static func sockets(of pids: [Int32]) -> [ListeningSocket] {
        var inodes: Set<UInt64> = []
        var netOwner: Int32?
        for pid in pids {
            let own = socketInodes(of: pid)
            if !own.isEmpty && netOwner == nil { netOwner = pid }
            inodes.formUnion(own)
        }
        guard let netOwner, !inodes.isEmpty else { return [] }
        var found: [ListeningSocket] = []
        for file in ["tcp", "tcp6"] {
            // The process's own network namespace (the same as the supervisor's, unless it moved).
            let text = ProcFile.wholeText("/proc/\(netOwner)/net/\(file)") ?? ProcFile.wholeText("/proc/net/\(file)") ?? ""
            found += parse(text).filter { inodes.contains($0.inode) }
        }
        return found
    }

    /// The inodes of the sockets among the process's descriptors (empty when it is gone or
    /// not ours to read).
    static func socketInodes(of pid: Int32) -> Set<UInt64> {
        let folder = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var inodes: Set<UInt64> = []
        var buffer = [CChar](repeating: 0, count: 64)
        for entry in entries {
            let length = readlink("\(folder)/\(entry)", &buffer, buffer.count - 1)
            guard length > 0 else { continue }
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let inode = socketInode(inLink: target) { inodes.insert(inode) }
        }
        return inodes
    }

    /// `12345` for `socket:[12345]`; nil for any other link target.
    static func socketInode(inLink target: String) -> UInt64? {
        guard target.hasPrefix("socket:["), target.hasSuffix("]") else { return nil }
        return UInt64(target.dropFirst("socket:[".count).dropLast())
    }

    /// The LISTEN sockets of a /proc/net/tcp or tcp6 text (its header line and every other
    /// state are skipped, and so are lines that do not parse).
    static func parse(_ text: String) -> [ListeningSocket] {
        text.split(separator: "\n").compactMap(parseLine)
    }

    /// One line: `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid
    /// timeout inode ...`, e.g. `0: 0100007F:1F90 00000000:0000 0A ... 1000 0 12345 1 ...`.
    static func parseLine(_ line: Substring) -> ListeningSocket? {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count > 9, fields[0].hasSuffix(":"), fields[3] == listenState,
              let inode = UInt64(fields[9]), inode != 0 else { return nil }
        let local = fields[1].split(separator: ":")
        guard local.count == 2, let port = Int(local[1], radix: 16), let address = address(hex: local[0]) else { return nil }
        return ListeningSocket(address: address, port: port, inode: inode)
    }

    /// The address in the kernel's notation: 8 hex digits (IPv4) or 32 (IPv6), each group of 8
    /// one 32-bit word printed in host byte order.
    static func address(hex: Substring) -> String? {
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            // The word's bytes in memory are the address's bytes in network order.
            withUnsafeBytes(of: word) { bytes += $0 }
            index = next
        }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        return text(ofAddress: bytes)
    }

    /// The canonical text of a numeric address (`::ffff:10.0.0.1` as `10.0.0.1`); nil for a
    /// name.
    static func canonicalAddress(_ address: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: v4) { text(ofAddress: Array($0)) } }
        var v6 = in6_addr()
        let bare = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return nil }
        var bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { bytes = Array(bytes[12...]) }
        return text(ofAddress: bytes)
    }

    /// inet_ntop of 4 or 16 address bytes.
    private static func text(ofAddress bytes: [UInt8]) -> String? {
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let done = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        return done ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}
