import Foundation
import Testing

/// `supervisor import` through the built binary: legacy files in, a manifest that `check` and
/// `plan` accept out.
@Suite("import")
struct ImportTests {
    /// `/work/main` -> `/work/shared/legacy`.
    static let legacy = SupervisorHarness.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/legacy")

    static func legacyFile(_ name: String) throws -> String {
        let path = legacy.appendingPathComponent(name).path
        try #require(FileManager.default.fileExists(atPath: path), "legacy file \(path) not found (expected ../shared/legacy)")
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

    @Test("import the July pair, then check (one warning: the cycle) and plan (8 levels per host)")
    func importCheckPlan() throws {
        let folder = try Folder()
        let mainpc = try Self.legacyFile("mainpc-2025-07-19.yaml")
        let pc2 = try Self.legacyFile("pc2-2025-07-19.yaml")
        let imported = try folder.run(["import", mainpc, pc2, "-o", folder.path("agents.yaml")])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.isEmpty)
        let warnings = imported.stderr.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(warnings.count == 3, "\(imported.stderr)")
        #expect(warnings.contains { $0.hasPrefix("\(mainpc):") && $0.contains("TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService") })
        #expect(warnings.contains { $0.hasPrefix("\(pc2):") && $0.contains("MemoryOrchestratorService") && $0.contains("7141") })
        #expect(warnings.contains { $0.hasPrefix("\(pc2):") && $0.contains("error_bus_port 7150") && $0.contains("VisionProcessingAgent") })
        #expect(imported.stderr.contains("imported 84 agents (mainpc: 58, pc2: 26) from 2 file(s)"))

        let check = try folder.run(["check"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let checkWarnings = check.stdout.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(checkWarnings.count == 1 && checkWarnings[0].contains("dependency cycle TTSService"), "\(check.stdout)")
        #expect(check.stdout.contains("84 agents (mainpc: 58, pc2: 26); 0 error(s), 1 warning(s)"))

        for (host, count) in [("mainpc", 58), ("pc2", 26)] {
            let plan = try folder.run(["plan", host])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("host \(host): \(count) agents in 8 levels"), "\(plan.stdout)")
        }
        let mainpcPlan = try folder.run(["plan", "mainpc"])
        #expect(mainpcPlan.stdout.contains("cycle (starts together): TTSService -> StreamingInterruptHandler -> StreamingTTSAgent -> TTSService"))
    }

    @Test("an existing output is kept unless --force")
    func refusesToOverwrite() throws {
        let folder = try Folder()
        let pc2 = try Self.legacyFile("pc2-2025-07-19.yaml")
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
        let augustPC2 = try Self.legacyFile("pc2-2025-08-19.yaml")
        for arguments in [["import", augustPC2], ["import", augustPC2, "-o", "-"]] {
            let result = try folder.run(arguments)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("# agents.yaml written by `supervisor import`"))
            #expect(result.stdout.contains("port: ${PORT_OFFSET}+7150"))
            #expect(result.stderr.contains(": warning: agent 'SpeechRelayService': depends on 'StreamingTTSAgent'"))
            #expect(!result.stderr.contains("# agents.yaml"))
        }
    }

    @Test("an unreadable or non-legacy file is an error and nothing is written")
    func badInput() throws {
        let folder = try Folder()
        let missing = try folder.run(["import", folder.path("nope.yaml"), "-o", "out.yaml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.yaml: error:"))
        try "agents: {}\n".write(toFile: folder.path("other.yaml"), atomically: true, encoding: .utf8)
        let other = try folder.run(["import", "other.yaml", "-o", "out.yaml"])
        #expect(other.status == 1)
        #expect(other.stderr.contains("other.yaml:1: error: neither agent_groups"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.yaml")))
    }
}
