import Foundation
import SupervisorModel
import Testing

/// `supervisor import` through the built binary: legacy files in, a manifest that `check` and
/// `plan` accept out.
@Suite("import")
struct ImportTests {
    /// This repository's legacy fixtures (see Tests/Fixtures/legacy/README.md).
    static let fixtures = SupervisorHarness.packageRoot.appendingPathComponent("Tests/Fixtures/legacy")
    /// The user's real legacy files: `../shared/legacy` beside the package root, present beside
    /// the CI checkout only.
    static let real = SupervisorHarness.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/legacy")
    static var realFilesArePresent: Bool { FileManager.default.fileExists(atPath: real.appendingPathComponent("mainpc-2025-07-19.yaml").path) }
    static var realFilesSkipReason: Comment {
        Comment(rawValue: "the real legacy files are not here (\(real.standardizedFileURL.path) exists only beside the CI checkout); the fixture tests cover the same defects")
    }

    static func fixture(_ name: String) throws -> String {
        let path = fixtures.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "legacy fixture \(path) not found")
        return path
    }

    static func realFile(_ name: String) throws -> String {
        let path = real.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "legacy file \(path) not found")
        return path
    }

    /// A temporary folder with a `hosts` file listing mainpc and pc2 on free control ports.
    final class Folder {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-import-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            let ports = try PortAllocator.free(2)
            try "mainpc 127.0.0.1 \(ports[0])\npc2 127.0.0.1 \(ports[1])\n"
                .write(to: url.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        /// Creates every Python script the manifest here names, empty, where `LEGACY_ROOT`
        /// unset puts them (this folder), as a checkout of the legacy repository would hold them.
        func stubScripts() throws {
            let manifest = try #require(ManifestLoader.load(path: path("agents.yaml"), environment: [:]).manifest)
            for agent in manifest.agents {
                let script = try #require(PythonCommand.parse(agent.command)?.script, "\(agent.command)")
                let file = url.appendingPathComponent(script)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: file.path, contents: Data())
            }
        }

        /// Runs `supervisor ARGS` here; stdout and stderr apart.
        func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            #expect(FileManager.default.isExecutableFile(atPath: SupervisorHarness.supervisorPath),
                    "build the binaries first (swift build --product supervisor)")
            let child = Process()
            child.executableURL = URL(fileURLWithPath: SupervisorHarness.supervisorPath)
            child.arguments = arguments
            child.currentDirectoryURL = url
            var environment = ProcessInfo.processInfo.environment
            for name in ["PORT_OFFSET", "LEGACY_ROOT", "LEGACY_PYTHON"] { environment[name] = nil }
            child.environment = environment
            // Files, not pipes: neither stream can fill up and block the child.
            let outPath = path("stdout-\(UUID().uuidString.prefix(8))")
            let errPath = path("stderr-\(UUID().uuidString.prefix(8))")
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            defer {
                try? FileManager.default.removeItem(atPath: outPath)
                try? FileManager.default.removeItem(atPath: errPath)
            }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            child.standardOutput = out
            child.standardError = err
            try child.run()
            child.waitUntilExit()
            try out.close()
            try err.close()
            let outputData = FileManager.default.contents(atPath: outPath) ?? Data()
            let errorData = FileManager.default.contents(atPath: errPath) ?? Data()
            return (child.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
        }
    }

    @Test("import the July pair, then check (one warning: the cycle) and plan (6 levels per host)")
    func importCheckPlan() throws {
        let folder = try Folder()
        let mainpc = try Self.fixture("mainpc-july.yaml")
        let pc2 = try Self.fixture("pc2-july.yaml")
        let imported = try folder.run(["import", mainpc, pc2, "-o", folder.path("agents.yaml")])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.isEmpty)
        let warnings = imported.stderr.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(warnings.count == 3, "\(imported.stderr)")
        #expect(warnings.contains { $0.hasPrefix("\(mainpc):") && $0.contains("Synthesizer -> BargeIn -> VoiceStream -> Synthesizer") })
        #expect(warnings.contains { $0.hasPrefix("\(pc2):") && $0.contains("MemoryOrchestratorService") && $0.contains("7141") })
        #expect(warnings.contains { $0.hasPrefix("\(pc2):") && $0.contains("error_bus_port 7150") && $0.contains("ImageAnalyzer") })
        #expect(imported.stderr.contains("imported 28 agents (mainpc: 18, pc2: 10) from 2 file(s)"))

        // The legacy repository: here, an empty file for each script (check looks for them).
        try folder.stubScripts()
        let check = try folder.run(["check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let checkWarnings = check.stdout.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(checkWarnings.count == 1 && checkWarnings[0].contains("dependency cycle Synthesizer"), "\(check.stdout)")
        #expect(check.stdout.contains("28 agents (mainpc: 18, pc2: 10); 0 error(s), 1 warning(s)"))

        for (host, count) in [("mainpc", 18), ("pc2", 10)] {
            let plan = try folder.run(["plan", host])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("host \(host): \(count) agents in 6 levels"), "\(plan.stdout)")
        }
        let mainpcPlan = try folder.run(["plan", "mainpc"])
        #expect(mainpcPlan.stdout.contains("cycle (starts together): Synthesizer -> BargeIn -> VoiceStream -> Synthesizer"))
    }

    // docs/import.md's example on the real files, where they exist (skipped elsewhere, with the reason).
    @Test("the real July pair: import, check (one warning: the TTSService cycle) and plan (58 and 26 agents in 8 levels)",
          .enabled(if: ImportTests.realFilesArePresent, ImportTests.realFilesSkipReason))
    func importCheckPlanRealFiles() throws {
        let folder = try Folder()
        let mainpc = try Self.realFile("mainpc-2025-07-19.yaml")
        let pc2 = try Self.realFile("pc2-2025-07-19.yaml")
        let imported = try folder.run(["import", mainpc, pc2, "-o", folder.path("agents.yaml")])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.split(separator: "\n").filter { $0.contains(": warning: ") }.count == 3, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 84 agents (mainpc: 58, pc2: 26) from 2 file(s)"))
        // The legacy repository: here, an empty file for each script (check looks for them).
        try folder.stubScripts()
        let check = try folder.run(["check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("dependency cycle TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService"))
        #expect(check.stdout.contains("84 agents (mainpc: 58, pc2: 26); 0 error(s), 1 warning(s)"))
        for (host, count) in [("mainpc", 58), ("pc2", 26)] {
            let plan = try folder.run(["plan", host])
            #expect(plan.stdout.contains("host \(host): \(count) agents in 8 levels"), "\(plan.stdout)")
        }
    }

    @Test("an existing output is kept unless --force")
    func refusesToOverwrite() throws {
        let folder = try Folder()
        let pc2 = try Self.fixture("pc2-july.yaml")
        try "keep me\n".write(toFile: folder.path("agents.yaml"), atomically: true, encoding: .utf8)
        let refused = try folder.run(["import", pc2, "-o", "agents.yaml"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exists"))
        #expect(try String(contentsOfFile: folder.path("agents.yaml"), encoding: .utf8) == "keep me\n")
        let forced = try folder.run(["import", pc2, "-o", "agents.yaml", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: folder.path("agents.yaml"), encoding: .utf8).hasPrefix("# agents.yaml written by `supervisor import`"))
    }

    @Test("without -o (or with -o -) the manifest goes to stdout and the warnings to stderr")
    func stdout() throws {
        let folder = try Folder()
        let augustPC2 = try Self.fixture("pc2-august.yaml")
        for arguments in [["import", augustPC2], ["import", augustPC2, "-o", "-"]] {
            let result = try folder.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("# agents.yaml written by `supervisor import`"))
            #expect(result.stdout.contains("port: ${PORT_OFFSET}+7150"))
            #expect(result.stderr.contains(": warning: agent 'SpeechRelay': depends on 'VoiceStream'"))
            #expect(!result.stderr.contains("# agents.yaml"))
        }
    }

    @Test("an unreadable or non-legacy file is an error and nothing is written")
    func badInput() throws {
        let folder = try Folder()
        let missing = try folder.run(["import", folder.path("nope.yaml"), "-o", "out.yaml"])
        // A file that cannot be read is a bad file (2); one that is not legacy fails the import (1).
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nope.yaml: error: no such file"))
        try "agents: {}\n".write(toFile: folder.path("other.yaml"), atomically: true, encoding: .utf8)
        let other = try folder.run(["import", "other.yaml", "-o", "out.yaml"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("other.yaml:1: error: neither agent_groups"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.yaml")))
    }
}
