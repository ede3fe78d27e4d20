import Foundation

/// The `hosts` file: one line per host, `name address control-port`, `#` comments.
public struct HostTable: Equatable, Sendable {
    /// One host line.
    public struct Host: Equatable, Sendable {
        public var name: String
        public var address: String
        public var controlPort: Int
        public var line: Int

        public init(name: String, address: String, controlPort: Int, line: Int = 0) {
            self.name = name
            self.address = address
            self.controlPort = controlPort
            self.line = line
        }

        /// True when the address is a loopback address (127.0.0.0/8, ::1, localhost).
        public var isLoopback: Bool {
            address.hasPrefix("127.") || address == "::1" || address == "localhost"
        }
    }

    public var file: String
    public var hosts: [Host]
    /// The names on lines that were rejected (each already one issue), with the line: agents
    /// on these hosts are not reported again, one error per bad line is enough.
    public var rejected: [String: Int]

    public init(file: String, hosts: [Host], rejected: [String: Int] = [:]) {
        self.file = file
        self.hosts = hosts
        self.rejected = rejected
    }

    public subscript(name: String) -> Host? {
        hosts.first { $0.name == name }
    }

    /// Parses the text; every bad line is reported and the good ones are kept.
    public static func parse(text: String, file: String) -> (table: HostTable, issues: [ManifestIssue]) {
        var hosts: [Host] = []
        var issues: [ManifestIssue] = []
        var rejected: [String: Int] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let content = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            func problem(_ code: ManifestIssue.Code, _ message: String) {
                issues.append(ManifestIssue(code, file: file, line: lineNumber, message: message))
                // The first field is the host's name whatever else is wrong with the line.
                if code == .hostsSyntax, rejected[fields[0]] == nil { rejected[fields[0]] = lineNumber }
            }
            guard fields.count == 3 else {
                problem(.hostsSyntax, "expected 'name address control-port', found \(fields.count) field(s)")
                continue
            }
            let (name, address) = (fields[0], fields[1])
            guard let port = Int(fields[2]), (1...65534).contains(port) else {
                problem(.hostsSyntax, "host '\(name)': control port \"\(fields[2])\" is not a number in 1...65534 (the event stream uses port + 1)")
                continue
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                problem(.hostsSyntax, "host name '\(name)' may use only letters, digits, '-', '_' and '.'")
                continue
            }
            guard isPlausibleAddress(address) else {
                problem(.hostsSyntax, "host '\(name)': \"\(address)\" is not an IP address or host name")
                continue
            }
            if let first = hosts.first(where: { $0.name == name }) {
                problem(.duplicateHost, "host '\(name)' is listed twice (first on line \(first.line))")
                continue
            }
            if let clash = hosts.first(where: { $0.address == address && abs($0.controlPort - port) < 2 }) {
                problem(.duplicateHost, "host '\(name)' uses control ports \(port)-\(port + 1) on \(address), which overlap host '\(clash.name)' (line \(clash.line))")
                continue
            }
            hosts.append(Host(name: name, address: address, controlPort: port, line: lineNumber))
        }
        for host in hosts { rejected[host.name] = nil }
        return (HostTable(file: file, hosts: hosts, rejected: rejected), issues)
    }

    /// Reads and parses a file; an unreadable file is one issue.
    public static func load(path: String) -> (table: HostTable, issues: [ManifestIssue]) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return (HostTable(file: path, hosts: []), [
                ManifestIssue(.fileUnreadable, file: path, message: "hosts file \(path) does not exist or cannot be read"),
            ])
        }
        return parse(text: text, file: path)
    }

    private static func isPlausibleAddress(_ text: String) -> Bool {
        if text.contains(":") { return text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ Int($0) != nil }) {
            return parts.allSatisfy { Int($0).map { (0...255).contains($0) } ?? false }
        }
        return !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    }
}
