import Foundation
import Testing

/// `--json` of check, import, export and ping through the built binary: each output parses and
/// holds the fields docs/cli.md documents; the exit status is the one without --json.
@Suite("verbs --json")
struct CommandJSONTests {
    /// The wire form every verb shares for a problem of a file (docs/cli.md).
    struct Issue: Decodable {
        var severity: String
        var file: String
        var line: Int?
        var agent: String?
        var key: String?
        var message: String
        var code: String
    }

    struct CheckOutput: Decodable {
        var manifest: String
        var hosts: String
        var agents: [String: Int]
        var errors: Int
        var warnings: Int
        var checked_deeply: Int?
        var issues: [Issue]
        var notes: [String]
    }

    struct ImportOutput: Decodable {
        struct HostCount: Decodable {
            var host: String
            var agents: Int
        }
        var inputs: [String]
        var output: String?
        var agents: [HostCount]
        var succeeded: Bool
        var errors: Int
        var warnings: Int
        var findings: [Issue]
    }

    struct ExportOutput: Decodable {
        var format: String
        var folder: String
        var files: [String]
        var warnings: [String]
    }

    struct PingOutput: Decodable {
        var host: String
        var reachable: Bool
        var instance: String?
        var version: String?
        var `protocol`: Int?
        var zmq: String?
        var latency_ms: Double?
        var message: String?
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The July pair imported into a folder with its scripts stubbed: a manifest with one warning.
    static func importedFolder() throws -> ImportTests.Folder {
        let folder = try ImportTests.Folder()
        let imported = try folder.run(["import", try ImportTests.fixture("mainpc-july.yaml"),
                                       try ImportTests.fixture("pc2-july.yaml"), "-o", folder.path("agents.yaml")])
        try #require(imported.status == 0, "\(imported.stderr)")
        try folder.stubScripts()
        return folder
    }

    @Test("import --json: what was written, per host counts, the findings with code, file and line")
    func importJSON() throws {
        let folder = try ImportTests.Folder()
        let mainpc = try ImportTests.fixture("mainpc-july.yaml")
        let pc2 = try ImportTests.fixture("pc2-july.yaml")
        let result = try folder.run(["import", mainpc, pc2, "-o", folder.path("agents.yaml"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.decode(ImportOutput.self, result.stdout)
        #expect(report.inputs == [mainpc, pc2])
        #expect(report.output == folder.path("agents.yaml"))
        #expect(FileManager.default.fileExists(atPath: folder.path("agents.yaml")))
        #expect(report.agents.map(\.host) == ["mainpc", "pc2"] && report.agents.map(\.agents) == [18, 10])
        #expect(report.succeeded && report.errors == 0 && report.warnings == 3)
        #expect(report.findings.count == 3 && report.findings.allSatisfy { $0.severity == "warning" && $0.line != nil })
        #expect(report.findings.contains { $0.code == "import.dependency_cycle" && $0.file == mainpc })
        #expect(report.findings.contains { $0.code == "import.error_bus_port" && $0.file == pc2 })

        let toStdout = try folder.run(["import", mainpc, "--json"])
        #expect(toStdout.status == 2 && toStdout.stderr.contains("-o FILE"), "\(toStdout.stderr)")
    }

    @Test("import of a missing or unreadable file exits 2 and names the file")
    func importMissingFile() throws {
        let folder = try ImportTests.Folder()
        let missing = folder.path("no-such-legacy.yaml")
        let result = try folder.run(["import", missing, "-o", folder.path("agents.yaml")])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(missing): error: no such file"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("agents.yaml")))

        let directory = try folder.run(["import", folder.url.path])
        #expect(directory.status == 2 && directory.stderr.contains(folder.url.path), "\(directory.stderr)")
    }

    @Test("check --json: counts per host, each issue with its fields; exit 1 on errors as without it")
    func checkJSON() throws {
        let folder = try Self.importedFolder()
        let clean = try folder.run(["check", "--json"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let report = try Self.decode(CheckOutput.self, clean.stdout)
        #expect(report.manifest == "agents.yaml" && report.hosts == "hosts")
        #expect(report.agents == ["mainpc": 18, "pc2": 10])
        #expect(report.errors == 0 && report.warnings == 1 && report.checked_deeply == nil)
        let cycle = try #require(report.issues.first)
        #expect(cycle.severity == "warning" && cycle.code == "manifest.dependency_cycle" && cycle.file == "agents.yaml")
        #expect(cycle.message.contains("Synthesizer"))

        try """
            agents:
              a: {host: mainpc, command: [/bin/true], restart: sometimes}
            """.write(toFile: folder.path("broken.yaml"), atomically: true, encoding: .utf8)
        let broken = try folder.run(["check", "--json", "--manifest", "broken.yaml"])
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        let errors = try Self.decode(CheckOutput.self, broken.stdout)
        #expect(errors.errors >= 1)
        let bad = try #require(errors.issues.first { $0.severity == "error" })
        #expect(bad.file == "broken.yaml" && bad.agent == "a" && bad.key == "restart" && bad.line == 2, "\(bad)")
    }

    @Test("export --json: format, folder, the files written (they exist) and the warnings")
    func exportJSON() throws {
        let folder = try Self.importedFolder()
        let result = try folder.run(["export", "compose", "--json", "-o", "out"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.decode(ExportOutput.self, result.stdout)
        #expect(report.format == "compose" && report.folder == "out")
        #expect(!report.files.isEmpty && report.files == report.files.sorted())
        for file in report.files {
            #expect(FileManager.default.fileExists(atPath: folder.path("out/\(file)")), "\(file)")
        }
        let again = try folder.run(["export", "compose", "--json", "-o", "out"])
        #expect(again.status == 1 && again.stdout.isEmpty, "\(again.stdout)")
    }

    @Test("ping --json: a running host with instance, version and latency; a stopped one unreachable")
    func pingJSON() throws {
        let ports = try PortAllocator.free(2)
        let harness = try SupervisorHarness(
            manifest: "agents:\n  a: {host: mainpc, command: [/bin/sleep, \"100\"]}\n",
            hostsText: "mainpc 127.0.0.1 \(ports[0])\npc2 127.0.0.1 \(ports[1])\n")
        defer { harness.cleanUp() }

        let none = try harness.run(["ping", "--json"])
        #expect(none.status == 3, "\(none.output)")

        try harness.start()
        #expect(eventually(timeout: 60) { (try? harness.run(["ping", "mainpc"]).status) == 0 })
        let result = try harness.runProgram(SupervisorHarness.supervisorPath, ["ping", "--json"])
        #expect(result.status == 0, "\(result.output)")
        let reports = try Self.decode([PingOutput].self, result.output)
        #expect(reports.map(\.host) == ["mainpc", "pc2"])
        let up = reports[0]
        #expect(up.reachable && up.instance?.isEmpty == false && up.version?.isEmpty == false)
        #expect(up.protocol != nil && up.zmq != nil && (up.latency_ms ?? -1) >= 0)
        #expect(!reports[1].reachable && reports[1].message?.contains("no supervisor") == true, "\(reports[1])")
        #expect(try harness.stop() == 0)
    }
}
