import Foundation
import Testing

/// Issue 14's start-up display of `up`: on a terminal one redrawn status line, only what matters
/// above it and a summary at the end; --verbose every line, --quiet only errors and the summary;
/// through a pipe no control codes; --detach shows the same progress; the manifest's warnings
/// are said once by `up`, counted by `plan` and `export`, and in full by `check`.
extension ControlCommandLineTests {
    /// `ping` and `pong` depend on each other (the cycle warning), `ping` is ready after 1.5 s
    /// (its health port answers then), `web` waits for it, `oneshot` fails at once.
    static func progressManifest(healthPort: Int) -> String {
        """
        defaults:
          host: mainpc
          health: {kind: none}
        agents:
          ping:
            command: [\(sim), "--ready-after", "1500ms"]
            health: {kind: zmq, port: \(healthPort)}
            depends_on: [pong]
          pong:
            command: [\(sim)]
            depends_on: [ping]
          web:
            command: [\(sim)]
            depends_on: [ping]
          oneshot:
            command: ["sh", "-c", "echo boom >&2; exit 3"]
            restart: {policy: never}
        """
    }

    static let cycleWarning = "key 'depends_on': dependency cycle ping -> pong -> ping"
    static let warningCount = "agents.yaml: 1 warning; `supervisor check` shows it"

    @Test("up on a terminal: a redrawn status line, the failure above it, a summary; no routine lines; the warning once")
    func progressOnTerminal() throws {
        let session = try Self.progressSession()
        defer { session.close() }
        try Self.requireScript()
        let output = try session.foregroundUpUnderTerminal([])
        #expect(output.contains("\(Self.escape)[2Kstarting: 0/4 ready, level 1/"), "\(output)")
        #expect(output.contains("oneshot: starting -> failed (exit code 3"), "\(output)")
        #expect(output.contains("mainpc: 3/4 ready in "), "\(output)")
        #expect(output.contains("failed: oneshot: boom"), "\(output)")
        #expect(output.contains("logs: logs/mainpc/ (supervisor.log, <agent>.log)"), "\(output)")
        #expect(!output.contains("spawned pid") && !output.contains("waiting -> starting"), "\(output)")
        #expect(output.components(separatedBy: Self.cycleWarning).count == 2, "\(output)")
        // The summary replaced the status line: it starts right after an erase.
        #expect(output.contains("\(Self.escape)[2Kmainpc: 3/4 ready in "), "\(output)")
        // supervisor.log has the routine lines all the same.
        let log = session.harness.logText()
        #expect(log.contains("spawned pid") && log.contains("ping: starting -> ready"), "\(log)")
    }

    @Test("up --verbose on a terminal: every log line, plain; --quiet: the failure and the summary only; both: exit 2")
    func verboseAndQuiet() throws {
        let session = try Self.progressSession()
        defer { session.close() }
        try Self.requireScript()
        let verbose = try session.foregroundUpUnderTerminal(["--verbose"])
        #expect(!verbose.contains(Self.escape), "\(verbose)")
        #expect(verbose.contains("spawned pid") && verbose.contains("ping: starting -> ready"), "\(verbose)")
        #expect(verbose.contains("mainpc: 3/4 ready in "), "\(verbose)")

        let quiet = try session.foregroundUpUnderTerminal(["--quiet"])
        #expect(!quiet.contains(Self.escape) && !quiet.contains("starting: "), "\(quiet)")
        #expect(!quiet.contains("spawned pid") && !quiet.contains(Self.cycleWarning), "\(quiet)")
        #expect(quiet.contains(Self.warningCount), "\(quiet)")
        #expect(quiet.contains("oneshot: starting -> failed") && quiet.contains("mainpc: 3/4 ready in "), "\(quiet)")

        let both = try session.cli(["up", "mainpc", "--verbose", "--quiet"])
        #expect(both.status == 2 && both.stderr.contains("--verbose or --quiet"), "\(both)")
    }

    @Test("up through a pipe: no ESC, the log lines, progress lines and the summary")
    func progressThroughPipe() throws {
        let session = try Self.progressSession()
        defer { session.close() }
        let up = try session.background(["up", "mainpc"])
        _ = try session.waitForStatus("start-up to end") { $0.phase == "running" }
        #expect(eventually(timeout: 60) { up.text.contains("logs: logs/mainpc/") }, "\(up.text)")
        let down = try session.cli(["down", "mainpc"])
        #expect(down.status == 0, "\(down)")
        #expect(up.waitForExit(timeout: 60), "\(up.text)")
        let text = up.text
        #expect(!text.contains(Self.escape) && !text.contains("\r"), "\(text)")
        #expect(text.contains("starting: 0/4 ready, level 1/"), "\(text)")
        #expect(text.contains("spawned pid") && text.contains("mainpc: 3/4 ready in "), "\(text)")
        // One progress line per level, not per transition.
        let progress = text.split(separator: "\n").filter { $0.hasPrefix("starting: ") }
        #expect(Set(progress.map { $0.split(separator: ",")[1] }).count == progress.count, "\(progress)")
    }

    @Test("up --detach: progress while it waits (redrawn on a terminal, plain lines through a pipe), then its summary")
    func detachedProgress() throws {
        let session = try Self.progressSession()
        defer { session.close() }
        let piped = try session.cli(["up", "mainpc", "--detach"])
        _ = session.adoptDetached(from: piped.stdout)
        #expect(piped.status == 0, "\(piped)")
        #expect(!piped.output.contains(Self.escape), "\(piped)")
        #expect(piped.stderr.contains("starting: 0/4 ready, level 1/"), "\(piped)")
        #expect(piped.stderr.components(separatedBy: Self.cycleWarning).count == 2, "\(piped)")
        #expect(piped.stdout.contains("running in the background") && piped.stdout.contains("agents: 3/4 ready"), "\(piped)")
        // The daemon's own output went to console.log, not to the terminal.
        #expect(!piped.output.contains("spawned pid"), "\(piped)")
        #expect(try session.cli(["down", "mainpc"]).status == 0)
        _ = eventually(timeout: 60) { session.lockPid.map { !processIsAlive($0) } ?? true }

        try Self.requireScript()
        let terminal = try session.underTerminal(
            "'\(SupervisorHarness.supervisorPath)' up mainpc --detach", environment: ["TERM": "xterm"])
        _ = session.adoptDetached(from: terminal)
        #expect(terminal.contains("\(Self.escape)[2Kstarting: 0/4 ready"), "\(terminal)")
        #expect(terminal.contains("\(Self.escape)[2Ksupervisor for mainpc running in the background"), "\(terminal)")
        #expect(!terminal.contains("spawned pid"), "\(terminal)")
        #expect(try session.cli(["down", "mainpc"]).status == 0)
    }

    @Test("plan and export count the manifest's warning on one line; check prints it in full")
    func warningCounts() throws {
        let session = try Self.progressSession()
        defer { session.close() }
        let plan = try session.cli(["plan", "mainpc"])
        #expect(plan.status == 0 && plan.stderr.contains(Self.warningCount) && !plan.output.contains(Self.cycleWarning), "\(plan)")
        let export = try session.cli(["export", "compose", "-o", "exported"])
        #expect(export.status == 0 && export.stderr.contains(Self.warningCount) && !export.stderr.contains(Self.cycleWarning), "\(export)")
        let check = try session.cli(["check"])
        #expect(check.status == 0 && check.stdout.contains(Self.cycleWarning) && !check.output.contains("`supervisor check` shows"), "\(check)")
    }

    private static func progressSession() throws -> Session {
        let port = try PortAllocator.free()
        return try Session(manifest: progressManifest(healthPort: port), avoiding: [port])
    }

    private static func requireScript() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) gives the pty")
    }
}

extension ControlCommandLineTests.Session {
    /// `supervisor up mainpc ARGS` in the foreground on a pty (script(1)); once start-up has
    /// ended, `down`; returns all it wrote. The waiting loop ends too if `up` exits first.
    func foregroundUpUnderTerminal(_ arguments: [String]) throws -> String {
        let supervisor = "'\(SupervisorHarness.supervisorPath)'"
        let up = ([supervisor, "up", "mainpc"] + arguments).joined(separator: " ")
        let command = """
            \(up) & pid=$!; \
            until \(supervisor) status mainpc --json 2>/dev/null | grep -q '"phase" *: *"running"'; do \
            kill -0 $pid 2>/dev/null || break; sleep 0.1; done >/dev/null; \
            \(supervisor) down mainpc >/dev/null 2>&1; wait $pid
            """
        return try underTerminal(command, environment: ["TERM": "xterm", SupervisorHarness.runMarker: directory.path])
    }
}
