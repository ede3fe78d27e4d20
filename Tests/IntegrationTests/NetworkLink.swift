import Foundation

/// Two hosts for tests: two network namespaces joined by a veth pair, each end with its own
/// address (10.200.N.1 and 10.200.N.2), created by the test and removed afterwards. Where
/// namespaces cannot be made (no root, no `ip`), two loopback addresses stand in, and `cut`
/// freezes the first host's supervisor instead of the link; `fallbackReason` says why.
final class NetworkLink: @unchecked Sendable {
    static let ipTool = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let namespaces: [String]
    let addresses: [String]
    let fallbackReason: String?
    private let device: String

    private init(namespaces: [String], addresses: [String], device: String, fallbackReason: String?) {
        self.namespaces = namespaces
        self.addresses = addresses
        self.device = device
        self.fallbackReason = fallbackReason
    }

    /// Makes the namespaces and the link, or the loopback stand-in with the reason.
    static func make() -> NetworkLink {
        let tag = String(getpid() % 100_000) + String(Int.random(in: 10...99))
        let names = ["sva\(tag)", "svb\(tag)"]
        let devices = ["va\(tag)", "vb\(tag)"]
        let subnet = Int.random(in: 1...250)
        let addresses = ["10.200.\(subnet).1", "10.200.\(subnet).2"]
        if ProcessInfo.processInfo.environment["SUPERVISOR_TEST_LOOPBACK_HOSTS"] != nil {
            return loopback(reason: "SUPERVISOR_TEST_LOOPBACK_HOSTS is set")
        }
        guard let ip = ipTool else { return loopback(reason: "no `ip` tool on this machine") }
        let steps: [[String]] = [
            ["netns", "add", names[0]], ["netns", "add", names[1]],
            ["link", "add", devices[0], "type", "veth", "peer", "name", devices[1]],
            ["link", "set", devices[0], "netns", names[0]], ["link", "set", devices[1], "netns", names[1]],
            ["-n", names[0], "addr", "add", addresses[0] + "/24", "dev", devices[0]],
            ["-n", names[1], "addr", "add", addresses[1] + "/24", "dev", devices[1]],
            ["-n", names[0], "link", "set", "lo", "up"], ["-n", names[1], "link", "set", "lo", "up"],
            ["-n", names[0], "link", "set", devices[0], "up"], ["-n", names[1], "link", "set", devices[1], "up"],
        ]
        for step in steps {
            let result = run(ip, step)
            if result.status != 0 {
                for name in names { _ = run(ip, ["netns", "delete", name]) }
                return loopback(reason: "`ip \(step.joined(separator: " "))` failed: \(result.output)")
            }
        }
        return NetworkLink(namespaces: names, addresses: addresses, device: devices[0], fallbackReason: nil)
    }

    private static func loopback(reason: String) -> NetworkLink {
        NetworkLink(namespaces: [], addresses: ["127.0.0.2", "127.0.0.3"], device: "", fallbackReason: reason)
    }

    var usesNamespaces: Bool { fallbackReason == nil }

    /// argv that runs `argv` on host `index` (0 or 1).
    func command(on index: Int, _ argv: [String]) -> [String] {
        guard usesNamespaces, let ip = Self.ipTool else { return argv }
        return [ip, "netns", "exec", namespaces[index]] + argv
    }

    /// Takes the link down (both ends lose carrier); `stopped` is the first host's supervisor,
    /// frozen instead when there is no link.
    func cut(orFreeze pid: Int32) {
        if usesNamespaces, let ip = Self.ipTool {
            _ = Self.run(ip, ["-n", namespaces[0], "link", "set", device, "down"])
        } else {
            kill(pid, SIGSTOP)
        }
    }

    func restore(orThaw pid: Int32) {
        if usesNamespaces, let ip = Self.ipTool {
            _ = Self.run(ip, ["-n", namespaces[0], "link", "set", device, "up"])
        } else {
            kill(pid, SIGCONT)
        }
    }

    /// Deletes the namespaces (which removes the veth pair).
    func remove() {
        guard usesNamespaces, let ip = Self.ipTool else { return }
        for name in namespaces { _ = Self.run(ip, ["netns", "delete", name]) }
    }

    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        child.currentDirectoryURL = directory
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        do { try child.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
