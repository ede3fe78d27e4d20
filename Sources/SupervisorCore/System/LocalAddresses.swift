import Foundation

/// The addresses this machine answers on: every interface's IPv4 and IPv6 address, the
/// wildcard addresses and the host name. A host of `hosts` with one of them runs here.
public enum LocalAddresses {
    public static func current() -> Set<String> {
        var addresses: Set<String> = ["0.0.0.0", "::", "localhost"]
        var name = [CChar](repeating: 0, count: 256)
        if gethostname(&name, name.count) == 0 {
            addresses.insert(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return addresses }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            if let address = entry.pointee.ifa_addr, let text = numeric(address) { addresses.insert(text) }
            cursor = entry.pointee.ifa_next
        }
        return addresses
    }

    private static func numeric(_ address: UnsafeMutablePointer<sockaddr>) -> String? {
        let family = Int32(address.pointee.sa_family)
        guard family == AF_INET || family == AF_INET6 else { return nil }
        let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
        // A link-local IPv6 address carries its interface (`fe80::1%eth0`); hosts files do not.
        let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "%").first.map(String.init)
    }
}
