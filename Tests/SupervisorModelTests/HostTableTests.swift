import Foundation
import Testing
@testable import SupervisorModel

/// The `hosts` file: `name address control-port` lines, comments, and every bad line reported.
@Suite("HostTable")
struct HostTableTests {
    @Test("a valid file with comments and blank lines")
    func validFile() {
        let text = """
            # hosts: the machines that run agents

            mainpc  127.0.0.1  7700   # this machine
            \tpc2\t192.168.100.17\t7710
               # indented comment
            db.example-1  db.example.org 7800
            v6 ::1 7900
            """
        let (table, issues) = HostTable.parse(text: text, file: "hosts")
        #expect(issues.isEmpty)
        #expect(table.file == "hosts")
        #expect(table.hosts == [
            HostTable.Host(name: "mainpc", address: "127.0.0.1", controlPort: 7700, line: 3),
            HostTable.Host(name: "pc2", address: "192.168.100.17", controlPort: 7710, line: 4),
            HostTable.Host(name: "db.example-1", address: "db.example.org", controlPort: 7800, line: 6),
            HostTable.Host(name: "v6", address: "::1", controlPort: 7900, line: 7),
        ])
        #expect(table["pc2"]?.controlPort == 7710)
        #expect(table["nope"] == nil)
        #expect(table["mainpc"]?.isLoopback == true)
        #expect(table["v6"]?.isLoopback == true)
        #expect(table["pc2"]?.isLoopback == false)
    }

    @Test("a rejected line is one error: the agents on that host are not reported again")
    func rejectedLineIsOneError() throws {
        let (table, issues) = HostTable.parse(text: "mainpc 127.0.0.1 7700\npc2 10.0.0.2 notaport\n", file: "hosts")
        #expect(issues.map(\.line) == [2])
        #expect(table.rejected == ["pc2": 2])
        let yaml = """
            defaults: {command: [/bin/a]}
            agents:
              A: {host: pc2}
              B: {host: pc2}
              C: {host: mainpc}
              D: {host: elsewhere}
            """
        let loaded = ManifestLoader.load(text: yaml, file: "agents.yaml", environment: [:], hosts: table)
        // Only the host nobody listed at all is an error of the manifest.
        #expect(loaded.issues.map(\.agent) == ["D"], "\(loaded.issues)")
    }

    @Test("Windows line endings are tolerated")
    func carriageReturns() {
        let (table, issues) = HostTable.parse(text: "a 127.0.0.1 7700\r\nb 127.0.0.1 7710\r\n", file: "hosts")
        // Windows line ends are line ends too.
        #expect(issues.isEmpty)
        #expect(table.hosts.map(\.controlPort) == [7700, 7710])
    }

    @Test("an empty file is an empty table")
    func emptyFile() {
        let (table, issues) = HostTable.parse(text: "# nothing here\n\n", file: "hosts")
        #expect(table.hosts.isEmpty)
        #expect(issues.isEmpty)
    }

    @Test("a line with the wrong number of fields", arguments: [
        ("mainpc 127.0.0.1", "found 2 field(s)"),
        ("mainpc", "found 1 field(s)"),
        ("mainpc 127.0.0.1 7700 extra", "found 4 field(s)"),
    ])
    func wrongFieldCount(line: String, message: String) throws {
        let (table, issues) = HostTable.parse(text: "# header\n\(line)\n", file: "hosts")
        #expect(table.hosts.isEmpty)
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .hostsSyntax)
        #expect(issue.line == 2)
        #expect(issue.file == "hosts")
        #expect(issue.message.contains(message))
    }

    @Test("a bad control port", arguments: ["abc", "0", "65535", "70000", "-1", "77.5"])
    func badPort(port: String) throws {
        let (table, issues) = HostTable.parse(text: "mainpc 127.0.0.1 \(port)", file: "hosts")
        #expect(table.hosts.isEmpty)
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .hostsSyntax)
        #expect(issue.line == 1)
        #expect(issue.message.contains("control port \"\(port)\""))
    }

    @Test("the highest control port leaves room for the event port")
    func highestPort() {
        let (table, issues) = HostTable.parse(text: "mainpc 127.0.0.1 65534", file: "hosts")
        #expect(issues.isEmpty)
        #expect(table.hosts.first?.controlPort == 65534)
    }

    @Test("a bad address", arguments: ["999.1.1.1", "bad_addr!", "10.0.0.256", "fe80::zz"])
    func badAddress(address: String) throws {
        let (table, issues) = HostTable.parse(text: "\nmainpc \(address) 7700", file: "hosts")
        #expect(table.hosts.isEmpty)
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .hostsSyntax)
        #expect(issue.line == 2)
        #expect(issue.message.contains("\"\(address)\" is not an IP address or host name"))
    }

    @Test("a bad host name")
    func badHostName() throws {
        let (_, issues) = HostTable.parse(text: "main/pc 127.0.0.1 7700", file: "hosts")
        #expect(issues.map(\.code) == [.hostsSyntax])
        #expect(issues.first?.message.contains("main/pc") == true)
    }

    @Test("a host listed twice is reported at the second line, naming the first")
    func duplicateHost() throws {
        let text = """
            mainpc 127.0.0.1 7700
            pc2 127.0.0.1 7710
            mainpc 10.0.0.1 7720
            """
        let (table, issues) = HostTable.parse(text: text, file: "hosts")
        #expect(table.hosts.map(\.name) == ["mainpc", "pc2"])
        #expect(table["mainpc"]?.address == "127.0.0.1")
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .duplicateHost)
        #expect(issue.line == 3)
        #expect(issue.message.contains("first on line 1"))
    }

    @Test("two hosts whose control and event ports overlap on one address")
    func overlappingPorts() throws {
        let (table, issues) = HostTable.parse(text: "a 127.0.0.1 7700\nb 127.0.0.1 7701\nc 10.0.0.2 7701\n", file: "hosts")
        #expect(table.hosts.map(\.name) == ["a", "c"])
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.code == .duplicateHost)
        #expect(issue.line == 2)
        #expect(issue.message.contains("host 'a'"))
    }

    @Test("every bad line is reported with its own line number, and good lines are kept")
    func everyProblemWithItsLine() {
        let text = """
            # comment
            good1 127.0.0.1 7700
            short 127.0.0.1

            badport 127.0.0.1 port
            good2 127.0.0.1 7710
            good1 127.0.0.1 7720
            """
        let (table, issues) = HostTable.parse(text: text, file: "hosts")
        #expect(table.hosts.map(\.name) == ["good1", "good2"])
        #expect(table.hosts.map(\.line) == [2, 6])
        #expect(issues.map(\.line) == [3, 5, 7])
        #expect(issues.map(\.code) == [.hostsSyntax, .hostsSyntax, .duplicateHost])
    }

    @Test("a missing file is one fileUnreadable issue")
    func missingFile() {
        let (table, issues) = HostTable.load(path: "/nonexistent/hosts")
        #expect(table.hosts.isEmpty)
        #expect(issues.map(\.code) == [.fileUnreadable])
    }
}
