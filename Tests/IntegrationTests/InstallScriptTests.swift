import Foundation
import Testing

/// `make install`'s second half, deploy/install.sh, with the debug binaries (the release build
/// `make install` runs first is too slow for a test): every file in its place under
/// DESTDIR/PREFIX, completions that the shells parse, a man page that renders, and uninstall.
@Suite("install script")
struct InstallScriptTests {
    static let script = SupervisorHarness.packageRoot.appendingPathComponent("deploy/install.sh").path
    static let installed = [
        "bin/supervisor", "bin/agent-sim",
        "share/bash-completion/completions/supervisor",
        "share/zsh/site-functions/_supervisor",
        "share/fish/vendor_completions.d/supervisor.fish",
        "share/man/man1/supervisor.1",
    ]

    /// The first of `names` found on PATH.
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("install.sh puts binaries, completions and the man page under DESTDIR/PREFIX; --uninstall removes them", .timeLimit(.minutes(3)))
    func installAndUninstall() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}\n")
        defer { harness.cleanUp() }
        let stage = harness.directory.appendingPathComponent("stage").path
        let prefix = "/opt/supervisor-test"
        let root = stage + prefix
        let install = try harness.runProgram(Self.script, [SupervisorHarness.binDirectory.path, prefix], environment: ["DESTDIR": stage])
        try #require(install.status == 0, "\(install.output)")
        for file in Self.installed {
            #expect(FileManager.default.fileExists(atPath: "\(root)/\(file)"), "\(file) missing:\n\(install.output)")
        }
        for binary in ["bin/supervisor", "bin/agent-sim"] {
            #expect(FileManager.default.isExecutableFile(atPath: "\(root)/\(binary)"))
        }
        // The installed binary is the one built, and runs from there.
        let version = try harness.runProgram("\(root)/bin/supervisor", ["--version"])
        #expect(version.status == 0 && !version.output.isEmpty, "\(version.output)")

        // The completions parse in their shells (zsh and fish where installed) and name the verbs.
        let bash = "\(root)/share/bash-completion/completions/supervisor"
        let bashCheck = try harness.runProgram("/bin/bash", ["-n", bash])
        #expect(bashCheck.status == 0, "\(bashCheck.output)")
        #expect(harness.text(of: URL(fileURLWithPath: bash)).contains("restart"))
        if let zsh = Self.program("zsh") {
            #expect(try harness.runProgram(zsh, ["-n", "\(root)/share/zsh/site-functions/_supervisor"]).status == 0)
        }
        if let fish = Self.program("fish") {
            #expect(try harness.runProgram(fish, ["--no-execute", "\(root)/share/fish/vendor_completions.d/supervisor.fish"]).status == 0)
        }

        // The man page renders without a warning and holds every verb's help.
        let page = "\(root)/share/man/man1/supervisor.1"
        let text = harness.text(of: URL(fileURLWithPath: page))
        #expect(text.hasPrefix(".TH SUPERVISOR 1 "), "\(text.prefix(200))")
        for verb in ["check", "plan", "up", "status", "restart", "export", "keys init"] {
            #expect(text.contains(".SS \"supervisor \(verb)\""), "no section for \(verb)")
        }
        if let groff = Self.program("groff") {
            let rendered = try harness.runProgram(groff, ["-man", "-Tutf8", "-ww", page])
            #expect(rendered.status == 0, "\(rendered.output.prefix(2000))")
            #expect(rendered.output.contains("SUPERVISOR_MANIFEST"), "\(rendered.output.prefix(2000))")
            let warnings = try harness.runProgram("/bin/sh", ["-c", "\"$0\" -man -Tutf8 -ww -z \"$1\" 2>&1", groff, page])
            #expect(warnings.output.isEmpty, "groff warnings:\n\(warnings.output)")
        }
        if let man = Self.program("man") {
            let rendered = try harness.runProgram(man, ["-l", page], environment: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80"])
            #expect(rendered.status == 0 && rendered.output.contains("supervisor check"), "\(rendered.output.prefix(2000))")
        }

        let uninstall = try harness.runProgram(Self.script, ["--uninstall", prefix], environment: ["DESTDIR": stage])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        for file in Self.installed {
            #expect(!FileManager.default.fileExists(atPath: "\(root)/\(file)"), "\(file) left behind")
        }
    }

    @Test("install.sh refuses a relative PREFIX and a folder without the binaries, installing nothing")
    func badArguments() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}\n")
        defer { harness.cleanUp() }
        let stage = harness.directory.appendingPathComponent("stage")
        let relative = try harness.runProgram(Self.script, [SupervisorHarness.binDirectory.path, "usr/local"], environment: ["DESTDIR": stage.path])
        #expect(relative.status == 2 && relative.output.contains("PREFIX must be an absolute path"), "\(relative.output)")
        let empty = try harness.runProgram(Self.script, [harness.directory.path, "/usr/local"], environment: ["DESTDIR": stage.path])
        #expect(empty.status == 2 && empty.output.contains("supervisor not found"), "\(empty.output)")
        #expect(!FileManager.default.fileExists(atPath: stage.path))
    }

    @Test("make install and uninstall pass PREFIX and DESTDIR to install.sh after the release build")
    func makefileWiring() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}\n")
        defer { harness.cleanUp() }
        let make = try #require(Self.program("make"), "make is how the project is built")
        let root = SupervisorHarness.packageRoot.path
        let install = try harness.runProgram(make, ["-n", "-C", root, "install", "PREFIX=/p", "DESTDIR=/d"])
        let lines = install.output.split(separator: "\n").map(String.init)
        let build = lines.firstIndex { $0.contains("swift build -c release") }
        let script = lines.firstIndex { $0.contains("DESTDIR=\"/d\" deploy/install.sh .build/release \"/p\"") }
        #expect(build != nil && script != nil && build! < script!, "\(install.output)")
        let uninstall = try harness.runProgram(make, ["-n", "-C", root, "uninstall", "PREFIX=/p"])
        #expect(uninstall.output.contains("deploy/install.sh --uninstall \"/p\""), "\(uninstall.output)")
    }
}
