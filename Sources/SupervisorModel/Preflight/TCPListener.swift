/// A TCP socket some process listens on, as `/proc/net/tcp` and `/proc/net/tcp6` list it, and
/// whether it keeps an agent from binding its port.
public struct TCPListener: Equatable, Sendable {
    /// Numeric address: `127.0.0.1`, `0.0.0.0`, `::`, `::1`, or eight hex groups.
    public var address: String
    public var port: Int
    /// The socket's inode, to find the process that holds it (`/proc/<pid>/fd` -> `socket:[N]`).
    public var inode: UInt64

    public init(address: String, port: Int, inode: UInt64) {
        self.address = address
        self.port = port
        self.inode = inode
    }

    /// The listening sockets of one `/proc/net/tcp` or `/proc/net/tcp6` text (state `0A`).
    public static func parse(procNet text: String) -> [TCPListener] {
        var sockets: [TCPListener] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, fields[3] == "0A" else { continue }
            let local = fields[1].split(separator: ":")
            guard local.count == 2, let port = Int(local[1], radix: 16), let address = decodeAddress(String(local[0])),
                  let inode = UInt64(fields[9]) else { continue }
            sockets.append(TCPListener(address: address, port: port, inode: inode))
        }
        return sockets
    }

    /// True when an agent binding `address:port` would get EADDRINUSE because of this socket:
    /// the same port, and the same address or a wildcard on either side. An address that is
    /// not numeric (a host name) is taken to overlap.
    public func blocks(address bound: String?, port wanted: Int) -> Bool {
        guard wanted == port else { return false }
        guard let bound, Self.isNumeric(bound) else { return true }
        let wildcards: Set<String> = ["0.0.0.0", "::"]
        return wildcards.contains(address) || wildcards.contains(bound) || Self.canonical(bound) == address
    }

    /// `0100007F` -> `127.0.0.1`; 32 hex digits (four little-endian words) -> IPv6, with an
    /// IPv4-mapped address (`::ffff:a.b.c.d`) shown as IPv4.
    static func decodeAddress(_ hex: String) -> String? {
        guard hex.count == 8 || hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 8)
            guard let word = UInt32(hex[index..<next], radix: 16) else { return nil }
            // Each 32-bit word is in host (little-endian) order.
            bytes += [UInt8(word & 0xFF), UInt8((word >> 8) & 0xFF), UInt8((word >> 16) & 0xFF), UInt8(word >> 24)]
            index = next
        }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if bytes.allSatisfy({ $0 == 0 }) { return "::" }
        if bytes.prefix(15).allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "::1" }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes.suffix(4).map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// A dotted quad, or an IPv6 literal.
    static func isNumeric(_ address: String) -> Bool {
        if address.contains(":") { return address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
    }

    /// `::ffff:127.0.0.1` -> `127.0.0.1`; other addresses as written, lowercased.
    static func canonical(_ address: String) -> String {
        let lower = address.lowercased()
        if lower.hasPrefix("::ffff:"), lower.contains(".") { return String(lower.dropFirst("::ffff:".count)) }
        return lower
    }
}
